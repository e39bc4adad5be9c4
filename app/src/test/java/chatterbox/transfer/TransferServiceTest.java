package chatterbox.transfer;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.RecipientRef;
import akka.actor.typed.javadsl.Behaviors;
import chatterbox.transfer.TransferStatus.Stage;
import chatterbox.wallet.MoneyTestConfig;
import chatterbox.wallet.Wallet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static chatterbox.transfer.TransferTest.CLOCK;
import static chatterbox.transfer.TransferTest.FAST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The facade over unsharded entities: what callers get back, and when. */
class TransferServiceTest {

  private static final TransferRequest PAYMENT = TransferRequest.payment("alice", "bob", 300, "alice");

  private final ActorTestKit testKit = ActorTestKit.create(MoneyTestConfig.serializingMessages());
  private final Map<String, ActorRef<Wallet.Command>> wallets = new ConcurrentHashMap<>();
  private final Map<String, ActorRef<Transfer.Command>> transfers = new ConcurrentHashMap<>();

  TransferServiceTest() {
    wallets.put("alice", testKit.spawn(Wallet.create("alice", 100)));
    wallets.put("bob", testKit.spawn(Wallet.create("bob", 100)));
    var credited = testKit.<Wallet.Credited>createTestProbe();
    wallets.get("alice").tell(new Wallet.Credit("funding", 1000, credited.ref()));
    credited.receiveMessage();
  }

  @AfterEach
  void shutdown() {
    testKit.shutdownTestKit();
  }

  private RecipientRef<Transfer.Command> transfer(String transferId) {
    return transfers.computeIfAbsent(transferId, id ->
        testKit.spawn(Transfer.create(id, wallets::get, FAST, testKit.system().ignoreRef(), CLOCK)));
  }

  private TransferService service(Duration outcomeTimeout) {
    return service(this::transfer, outcomeTimeout);
  }

  private TransferService service(Function<String, RecipientRef<Transfer.Command>> transfers, Duration outcomeTimeout) {
    return new TransferService(transfers, wallets::get, testKit.system().scheduler(), outcomeTimeout, Duration.ofSeconds(3),
        TransferService.DEFAULT_MAX_IN_FLIGHT);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(CompletionStage<?> stage) {
    return assertThrows(ExecutionException.class, () -> await(stage)).getCause();
  }

  private static RecipientRef<Transfer.Command> mustNotBeAsked(String transferId) {
    return fail("no entity should be asked about " + transferId);
  }

  @Test
  void startAnswersTheOutcomeAndTheBalancesShowIt() throws Exception {
    var service = service(Duration.ofSeconds(5));

    var outcome = await(service.start("t1", PAYMENT));

    assertEquals(Stage.COMPLETED, outcome.stage());
    assertEquals(new Wallet.Balance(700, 0), await(service.balance("alice")));
    assertEquals(new Wallet.Balance(300, 0), await(service.balance("bob")));
    assertEquals(outcome, await(service.status("t1")));
  }

  @Test
  void aStartLostOnItsWayIsSentAgainAndTheMoneyMovesOnce() throws Exception {
    // As when the shard region still routes to a node that just died: the first Start is lost.
    var firstLost = testKit.spawn(Behaviors.<Transfer.Command>setup(context -> {
      var dropped = new java.util.concurrent.atomic.AtomicBoolean();
      return Behaviors.receiveMessage(command -> {
        if (dropped.getAndSet(true)) transfer("t1").tell(command);
        return Behaviors.same();
      });
    }));
    var service = service(id -> firstLost, Duration.ofSeconds(5));

    assertEquals(Stage.COMPLETED, await(service.start("t1", PAYMENT)).stage());
    assertEquals(new Wallet.Balance(700, 0), await(service.balance("alice")));
    assertEquals(new Wallet.Balance(300, 0), await(service.balance("bob")));
  }

  @Test
  void startAnswersTheCurrentStatusWhenTheTransferTakesLonger() throws Exception {
    wallets.put("stuck", testKit.<Wallet.Command>createTestProbe().ref()); // never answers
    var service = service(Duration.ofMillis(300));

    var pending = await(service.start("t1", TransferRequest.payment("stuck", "bob", 300, "stuck")));

    assertEquals(Stage.DEBITING, pending.stage());
    assertFalse(pending.finished());
  }

  @Test
  void aStartBeyondTheInFlightLimitIsRefusedAsBusyAndStartsNothingUntilOneFinishes() throws Exception {
    wallets.put("stuck", testKit.<Wallet.Command>createTestProbe().ref()); // never answers: t1 stays under way
    var service = new TransferService(this::transfer, wallets::get, testKit.system().scheduler(), Duration.ofSeconds(2),
        Duration.ofSeconds(3), 1);

    var first = service.start("t1", TransferRequest.payment("stuck", "bob", 300, "stuck"));
    assertTrue(service.busy());
    assertInstanceOf(TransferService.Busy.class, failureOf(service.start("t2", PAYMENT)));
    assertFalse(transfers.containsKey("t2"), "no entity was asked about the refused transfer");
    assertEquals(new Wallet.Balance(1000, 0), await(service.balance("alice")));

    assertEquals(Stage.DEBITING, await(first).stage()); // answered after its outcome timeout: room again
    assertFalse(service.busy());
    assertEquals(Stage.COMPLETED, await(service.start("t2", PAYMENT)).stage());
  }

  @Test
  void startWithAnIdUsedForADifferentTransferFailsAndMovesNothing() throws Exception {
    var service = service(Duration.ofSeconds(5));
    await(service.start("t1", PAYMENT));

    var failure = failureOf(service.start("t1", TransferRequest.payment("alice", "bob", 1, "alice")));

    assertInstanceOf(TransferService.TransferIdInUse.class, failure);
    assertEquals("transfer id t1 is already used for a different transfer", failure.getMessage());
    assertEquals(new Wallet.Balance(700, 0), await(service.balance("alice")));
  }

  @Test
  void startWithAMalformedIdFailsWithoutWakingAnEntity() {
    var service = service(TransferServiceTest::mustNotBeAsked, Duration.ofSeconds(5));

    var failure = failureOf(service.start("not/an id", PAYMENT));

    assertInstanceOf(IllegalArgumentException.class, failure);
    assertEquals("transfer id may contain only letters, digits, '_' and '-'", failure.getMessage());
  }

  @Test
  void statusOfAnIdNobodyStartedFails() {
    var service = service(Duration.ofSeconds(5));

    assertInstanceOf(TransferService.NoSuchTransfer.class, failureOf(service.status("t404")));
  }

  @Test
  void statusOfAMalformedIdFailsWithoutWakingAnEntity() {
    var service = service(TransferServiceTest::mustNotBeAsked, Duration.ofSeconds(5));

    assertInstanceOf(TransferService.NoSuchTransfer.class, failureOf(service.status("../t1")));
  }
}
