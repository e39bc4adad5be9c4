package chatterbox.wallet;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import chatterbox.wallet.Wallet.Balance;
import chatterbox.wallet.Wallet.Command;
import chatterbox.wallet.Wallet.Credited;
import chatterbox.wallet.Wallet.DebitReply;
import chatterbox.wallet.Wallet.Debited;
import chatterbox.wallet.Wallet.Event;
import chatterbox.wallet.Wallet.FundsCredited;
import chatterbox.wallet.Wallet.FundsHeld;
import chatterbox.wallet.Wallet.HoldRefunded;
import chatterbox.wallet.Wallet.HoldSettled;
import chatterbox.wallet.Wallet.InsufficientFunds;
import chatterbox.wallet.Wallet.Refunded;
import chatterbox.wallet.Wallet.Settled;
import chatterbox.wallet.Wallet.State;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WalletTest {

  private static final ActorTestKit testKit = ActorTestKit.create(MoneyTestConfig.config());
  private static final AtomicInteger walletNumber = new AtomicInteger();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A fresh wallet whose every command, event and state is also checked through serialization. */
  private static EventSourcedBehaviorTestKit<Command, Event, State> wallet(String walletId, int finishedWindow) {
    return wallet(walletId, new Wallet.Settings(finishedWindow, Wallet.Settings.DEFAULT_SNAPSHOT_EVERY));
  }

  private static EventSourcedBehaviorTestKit<Command, Event, State> wallet(String walletId, Wallet.Settings settings) {
    return EventSourcedBehaviorTestKit.create(testKit.system(), Wallet.create(walletId, settings),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  private static String newUser() {
    return "user" + walletNumber.incrementAndGet();
  }

  private static EventSourcedBehaviorTestKit<Command, Event, State> walletWith(long balance) {
    var wallet = wallet(newUser(), Wallet.Settings.DEFAULT_FINISHED_WINDOW);
    credit(wallet, "funding", balance);
    return wallet;
  }

  private static CommandResultWithReply<Command, Event, State, DebitReply> debit(
      EventSourcedBehaviorTestKit<Command, Event, State> wallet, String transferId, long amount) {
    return wallet.runCommand(replyTo -> new Wallet.Debit(transferId, amount, replyTo));
  }

  private static CommandResultWithReply<Command, Event, State, Credited> credit(
      EventSourcedBehaviorTestKit<Command, Event, State> wallet, String transferId, long amount) {
    return wallet.runCommand(replyTo -> new Wallet.Credit(transferId, amount, replyTo));
  }

  private static CommandResultWithReply<Command, Event, State, Settled> settle(
      EventSourcedBehaviorTestKit<Command, Event, State> wallet, String transferId) {
    return wallet.runCommand(replyTo -> new Wallet.Settle(transferId, replyTo));
  }

  private static CommandResultWithReply<Command, Event, State, Refunded> refund(
      EventSourcedBehaviorTestKit<Command, Event, State> wallet, String transferId) {
    return wallet.runCommand(replyTo -> new Wallet.Refund(transferId, replyTo));
  }

  private static Balance balance(EventSourcedBehaviorTestKit<Command, Event, State> wallet) {
    return wallet.<Balance>runCommand(Wallet.GetBalance::new).reply();
  }

  @Test
  void debitMovesTheAmountFromTheBalanceIntoAHold() {
    var walletId = newUser();
    var wallet = wallet(walletId, 10);
    credit(wallet, "funding", 1000);

    var result = debit(wallet, "t1", 300);

    assertEquals(new Debited("t1"), result.reply());
    assertEquals(List.of(new FundsHeld(walletId, "t1", 300)), result.events());
    assertEquals(700, result.state().balance());
    assertEquals(Map.of("t1", 300L), result.state().holds());
    assertEquals(new Balance(700, 300), balance(wallet));
  }

  @Test
  void debitBeyondTheBalanceIsRefusedAndMovesNothing() {
    var wallet = walletWith(100);
    var before = wallet.getState();

    var result = debit(wallet, "t1", 101);

    assertEquals(new InsufficientFunds("t1", 100), result.reply());
    var refusal = (Wallet.DebitRefused) result.event(); // the only event: the refusal, kept for repeats
    assertEquals(List.of("t1", 101L), List.of(refusal.transferId(), refusal.amount()));
    assertEquals(before.balance(), result.state().balance());
    assertEquals(before.holds(), result.state().holds());
    assertEquals(before.finished(), result.state().finished());
  }

  @Test
  void debitOfTheWholeBalanceIsAllowed() {
    var wallet = walletWith(100);

    assertEquals(new Debited("t1"), debit(wallet, "t1", 100).reply());
    assertEquals(new Balance(0, 100), balance(wallet));
  }

  @Test
  void repeatedDebitIsAnsweredAgainWithoutASecondHold() {
    var wallet = walletWith(1000);
    debit(wallet, "t1", 300);

    var whileHeld = debit(wallet, "t1", 300);
    assertEquals(new Debited("t1"), whileHeld.reply());
    assertTrue(whileHeld.hasNoEvents());

    settle(wallet, "t1");
    var afterSettling = debit(wallet, "t1", 300);
    assertEquals(new Debited("t1"), afterSettling.reply());
    assertTrue(afterSettling.hasNoEvents());
    assertEquals(new Balance(700, 0), balance(wallet));
  }

  @Test
  void repeatedDebitIsRecognisedEvenWhenTheBalanceNoLongerCoversIt() {
    var wallet = walletWith(300);
    debit(wallet, "t1", 300);

    // A refusal here would make the saga reject a transfer whose money is already on hold.
    assertEquals(new Debited("t1"), debit(wallet, "t1", 300).reply());
  }

  @Test
  void creditAddsTheAmountOnceHoweverOftenItIsDelivered() {
    var walletId = newUser();
    var wallet = wallet(walletId, 10);

    var first = credit(wallet, "t1", 250);
    credit(wallet, "t2", 100);
    var again = credit(wallet, "t1", 250);

    assertEquals(new Credited("t1", 250), first.reply(), "the answer carries the balance after the credit");
    assertEquals(List.of(new FundsCredited(walletId, "t1", 250)), first.events());
    assertEquals(new Credited("t1", 350), again.reply(), "a repeat answers the balance as it is now");
    assertTrue(again.hasNoEvents());
    assertEquals(new Balance(350, 0), balance(wallet));
  }

  @Test
  void settleLetsTheHeldMoneyGoOnce() {
    var walletId = newUser();
    var wallet = wallet(walletId, 10);
    credit(wallet, "funding", 1000);
    debit(wallet, "t1", 300);

    var settled = settle(wallet, "t1");
    var again = settle(wallet, "t1");
    var refundAfterwards = refund(wallet, "t1");

    assertEquals(new Settled("t1", 700), settled.reply(), "the answer carries the balance, which the settle leaves as it was");
    assertEquals(List.of(new HoldSettled(walletId, "t1", 300)), settled.events());
    assertTrue(again.hasNoEvents());
    assertEquals(new Refunded("t1"), refundAfterwards.reply());
    assertTrue(refundAfterwards.hasNoEvents());
    assertEquals(new Balance(700, 0), balance(wallet));
  }

  @Test
  void refundGivesTheHeldMoneyBackOnce() {
    var walletId = newUser();
    var wallet = wallet(walletId, 10);
    credit(wallet, "funding", 1000);
    debit(wallet, "t1", 300);

    var refunded = refund(wallet, "t1");
    var again = refund(wallet, "t1");
    var settleAfterwards = settle(wallet, "t1");
    var debitAfterwards = debit(wallet, "t1", 300);

    assertEquals(new Refunded("t1"), refunded.reply());
    assertEquals(List.of(new HoldRefunded(walletId, "t1", 300)), refunded.events());
    assertTrue(again.hasNoEvents());
    assertTrue(settleAfterwards.hasNoEvents());
    assertTrue(debitAfterwards.hasNoEvents());
    assertEquals(new Balance(1000, 0), balance(wallet));
  }

  @Test
  void settleOrRefundOfATransferNeverSeenIsJournaledBeforeItIsAnsweredAndMovesNothing() {
    var walletId = newUser();
    var wallet = wallet(walletId, 10);
    credit(wallet, "funding", 1000);

    var settled = settle(wallet, "unknown");
    var refunded = refund(wallet, "unknown");

    assertEquals(new Settled("unknown", 1000), settled.reply());
    assertEquals(new Refunded("unknown"), refunded.reply());
    // The write is what a stale incarnation cannot make (WalletIncarnationsTest).
    assertEquals(List.of(new Wallet.NothingHeld(walletId, "unknown")), settled.events());
    assertEquals(List.of(new Wallet.NothingHeld(walletId, "unknown")), refunded.events());
    assertEquals(new Balance(1000, 0), balance(wallet));
  }

  @Test
  void treasuryMayGoNegative() {
    var treasury = wallet(Wallet.TREASURY_ID, 10);

    var result = debit(treasury, "deposit-1", 500);

    assertEquals(new Debited("deposit-1"), result.reply());
    assertEquals(-500, result.state().balance());
    settle(treasury, "deposit-1");
    assertEquals(new Balance(-500, 0), balance(treasury));
  }

  @Test
  void aUserWalletWithNothingCannotBeDebited() {
    var wallet = wallet(newUser(), 10);

    assertEquals(new InsufficientFunds("t1", 0), debit(wallet, "t1", 1).reply());
  }

  @Test
  void aRefusedDebitStaysRefusedWhenAnotherCopyArrivesAfterMoneyCameIn() {
    var walletId = newUser();
    var wallet = wallet(walletId, 10);

    var refused = debit(wallet, "t1", 300);
    assertEquals(new InsufficientFunds("t1", 0), refused.reply());
    assertEquals(List.of(new Wallet.DebitRefused(walletId, "t1", 300)), refused.events());
    credit(wallet, "in", 500);
    // A copy of the same debit delivered late (a retry buffered during a failover): the transfer
    // was already rejected on the first answer, so nothing may be held for it now.
    var late = debit(wallet, "t1", 300);

    assertEquals(new InsufficientFunds("t1", 500), late.reply());
    assertTrue(late.hasNoEvents());
    assertEquals(new Balance(500, 0), balance(wallet));
    assertEquals(List.of("t1"), wallet.restart().state().refused().oldestFirst(), "kept across a restart");
  }

  @Test
  void finishedWindowForgetsTheOldestTransferFirst() {
    var walletId = newUser();
    var wallet = wallet(walletId, 3);
    credit(wallet, "a", 1);
    credit(wallet, "b", 1);
    debit(wallet, "c", 1);
    settle(wallet, "c");
    credit(wallet, "d", 1);

    assertEquals(List.of("b", "c", "d"), wallet.getState().finished().oldestFirst());
    assertTrue(credit(wallet, "b", 1).hasNoEvents(), "b is still remembered");
    // The documented limit: a step for a transfer older than the window is taken as new.
    assertEquals(List.of(new FundsCredited(walletId, "a", 1)), credit(wallet, "a", 1).events());
    assertEquals(List.of("c", "d", "a"), wallet.getState().finished().oldestFirst());
  }

  @Test
  void recoveryFromASnapshotKeepsBalanceHoldsAndTheWindow() {
    var walletId = newUser();
    var wallet = wallet(walletId, new Wallet.Settings(3, 50));
    // 48 credits and 2 debits are events 1..50: a snapshot is taken at 50, the interval set.
    IntStream.rangeClosed(1, 48).forEach(n -> credit(wallet, "c" + n, 1));
    debit(wallet, "h1", 5);
    debit(wallet, "h2", 7);
    credit(wallet, "c49", 1);

    var snapshots = wallet.snapshotTestKit().orElseThrow().persistedInStorage("Wallet|" + walletId);
    assertEquals(50, snapshots.get(snapshots.size() - 1).first().sequenceNr());
    assertEquals(new State(36, Map.of("h1", 5L, "h2", 7L), FinishedTransfers.of(List.of("c46", "c47", "c48")),
            FinishedTransfers.NONE),
        snapshots.get(snapshots.size() - 1).second());

    // Recovery loads the snapshot and replays only event 51: holds and window must come from the snapshot.
    var recovered = wallet.restart().state();

    assertEquals(new State(37, Map.of("h1", 5L, "h2", 7L), FinishedTransfers.of(List.of("c47", "c48", "c49")),
        FinishedTransfers.NONE), recovered);
    assertTrue(debit(wallet, "h1", 5).hasNoEvents(), "the hold is recognised");
    assertTrue(credit(wallet, "c47", 1).hasNoEvents(), "the window is recognised");
    assertEquals(new Balance(37, 12), balance(wallet));
  }

  @Test
  void everyEventIsTaggedForTheProjections() {
    var wallet = (Wallet) Wallet.create(newUser(), 10);

    for (Event event : List.<Event>of(new FundsHeld("w", "t", 1), new FundsCredited("w", "t", 1),
        new HoldSettled("w", "t", 1), new HoldRefunded("w", "t", 1), new Wallet.DebitRefused("w", "t", 1),
        new Wallet.NothingHeld("w", "t"))) {
      assertEquals(Set.of(Wallet.TAG), wallet.tagsFor(event));
    }
  }
}
