package chatterbox.account;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import chatterbox.platform.runtime.ServiceNode;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccountTest {

  private static final ActorTestKit testKit = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ServiceNode.withServiceDefaults(ConfigFactory.empty())));

  private static final Account.Settings SETTINGS =
      new Account.Settings(Duration.ofMinutes(15), 3, Duration.ofMinutes(5), Duration.ofHours(24));
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  private EventSourcedBehaviorTestKit<Account.Command, Account.Event, Account.State> account;

  @BeforeEach
  void fresh() {
    account = EventSourcedBehaviorTestKit.create(testKit.system(), Account.create("alice", SETTINGS));
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private void register(String pinHash) {
    account.<Account.ClaimResult>runCommand(r -> new Account.Claim(pinHash, "subject-1", T0, r));
    account.<Account.CompletionResult>runCommand(r -> new Account.CompleteRegistration("subject-1", T0, r));
  }

  private Account.PinCheck verify(String pinHash, Instant at) {
    return account.<Account.PinCheck>runCommand(r -> new Account.VerifyPin(pinHash, at, r)).reply();
  }

  @Test
  void firstClaimWinsAndSecondClaimWithOtherPinIsRefused() {
    var first = account.<Account.ClaimResult>runCommand(r -> new Account.Claim("pin-a", "s1", T0, r));
    assertEquals(new Account.Claimed("s1", null), first.reply());
    assertInstanceOf(Account.UsernameClaimed.class, first.event());

    var second = account.<Account.ClaimResult>runCommand(r -> new Account.Claim("pin-b", "s2", T0.plusSeconds(1), r));
    assertInstanceOf(Account.UsernameTaken.class, second.reply());
    assertTrue(second.hasNoEvents());
  }

  @Test
  void retryWithSamePinContinuesTheSameRegistration() {
    account.<Account.ClaimResult>runCommand(r -> new Account.Claim("pin-a", "s1", T0, r));
    var retry = account.<Account.ClaimResult>runCommand(r -> new Account.Claim("pin-a", "s2", T0.plusSeconds(60), r));
    assertEquals(new Account.Claimed("s1", null), retry.reply(), "continues under the first subject id");
    assertTrue(retry.hasNoEvents());
  }

  @Test
  void expiredClaimIsFreedAndNamesTheAbandonedSubject() {
    account.<Account.ClaimResult>runCommand(r -> new Account.Claim("pin-a", "s1", T0, r));
    var later = T0.plus(Duration.ofMinutes(15));
    var takeover = account.<Account.ClaimResult>runCommand(r -> new Account.Claim("pin-b", "s2", later, r));
    assertEquals(new Account.Claimed("s2", "s1"), takeover.reply());
    var stale = account.<Account.CompletionResult>runCommand(r -> new Account.CompleteRegistration("s1", later, r));
    assertInstanceOf(Account.NotPending.class, stale.reply(), "the old registration can no longer complete");
  }

  @Test
  void completedAccountIsTakenForEveryone() {
    register("pin-a");
    var again = account.<Account.ClaimResult>runCommand(r -> new Account.Claim("pin-a", "s9", T0.plus(Duration.ofDays(1)), r));
    assertInstanceOf(Account.UsernameTaken.class, again.reply());
    var summary = account.<Account.Summary>runCommand(r -> new Account.GetSummary(T0, r)).reply();
    assertEquals(Account.Summary.ACTIVE, summary.status());
  }

  @Test
  void pendingAccountCannotLogIn() {
    account.<Account.ClaimResult>runCommand(r -> new Account.Claim("pin-a", "s1", T0, r));
    assertInstanceOf(Account.NoSuchAccount.class, verify("pin-a", T0));
  }

  @Test
  void threeWrongPinsLockAndLockGrowsWithEachLockout() {
    register("right");
    assertEquals(new Account.PinRejected(2), verify("wrong", T0));
    assertEquals(new Account.PinRejected(1), verify("wrong", T0));
    var firstLock = verify("wrong", T0);
    assertEquals(new Account.LockedOut(T0.plus(Duration.ofMinutes(5))), firstLock);

    // While locked even the right PIN is refused and nothing is recorded.
    var whileLocked = account.<Account.PinCheck>runCommand(r -> new Account.VerifyPin("right", T0.plusSeconds(60), r));
    assertInstanceOf(Account.LockedOut.class, whileLocked.reply());
    assertTrue(whileLocked.hasNoEvents());

    var afterFirst = T0.plus(Duration.ofMinutes(6));
    verify("wrong", afterFirst);
    verify("wrong", afterFirst);
    assertEquals(new Account.LockedOut(afterFirst.plus(Duration.ofMinutes(10))), verify("wrong", afterFirst));
  }

  @Test
  void rightPinResetsTheFailureCount() {
    register("right");
    verify("wrong", T0);
    verify("wrong", T0);
    assertInstanceOf(Account.PinAccepted.class, verify("right", T0));
    assertEquals(new Account.PinRejected(2), verify("wrong", T0), "count starts again");
  }

  @Test
  void lockoutSurvivesRestart() {
    register("right");
    verify("wrong", T0);
    verify("wrong", T0);
    verify("wrong", T0);
    account.restart();
    assertInstanceOf(Account.LockedOut.class, verify("right", T0.plusSeconds(10)));
    var state = (Account.Active) account.getState();
    assertEquals(1, state.lockoutsInARow());
  }

  @Test
  void operatorUnlockLiftsTheLock() {
    register("right");
    verify("wrong", T0);
    verify("wrong", T0);
    verify("wrong", T0);
    assertEquals(Done.getInstance(), account.<Done>runCommand(Account.Unlock::new).reply());
    assertInstanceOf(Account.PinAccepted.class, verify("right", T0));
    assertNull(((Account.Active) account.getState()).lockedUntil());
  }

  @Test
  void revokedSessionIsInvalidAndSurvivesRestart() {
    register("right");
    var expires = T0.plus(Duration.ofHours(12));
    account.<Done>runCommand(r -> new Account.RevokeSession("sid-1", expires, T0, r));
    account.restart();
    assertEquals(new Account.SessionCheck(false),
        account.<Account.SessionCheck>runCommand(r -> new Account.CheckSession("sid-1", T0, r)).reply());
    assertEquals(new Account.SessionCheck(true),
        account.<Account.SessionCheck>runCommand(r -> new Account.CheckSession("sid-2", T0, r)).reply());
  }

  @Test
  void revokedSessionsAreForgottenOnceExpired() {
    register("right");
    account.<Done>runCommand(r -> new Account.RevokeSession("old", T0.plusSeconds(10), T0, r));
    account.<Done>runCommand(r -> new Account.RevokeSession("new", T0.plus(Duration.ofHours(1)), T0.plusSeconds(60), r));
    var state = (Account.Active) account.getState();
    assertEquals(java.util.Set.of("new"), state.revokedSessions().keySet());
  }
}
