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
import chatterbox.wallet.Wallet.FundsDebited;
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

  /**
   * A wallet woken from a journal written before debits went without a hold: {@code balance} credited,
   * then {@code held} put on hold for transfer {@code heldFor}.
   */
  private static EventSourcedBehaviorTestKit<Command, Event, State> walletHoldingFromAnOlderJournal(
      String walletId, Wallet.Settings settings, long balance, String heldFor, long held) {
    var wallet = wallet(walletId, settings);
    wallet.persistenceTestKit().persistForRecovery("Wallet|" + walletId,
        List.of(new FundsCredited(walletId, "funding", balance), new FundsHeld(walletId, heldFor, held)));
    wallet.restart();
    return wallet;
  }

  private static EventSourcedBehaviorTestKit<Command, Event, State> walletHoldingFromAnOlderJournal(
      String walletId, long balance, String heldFor, long held) {
    return walletHoldingFromAnOlderJournal(walletId, new Wallet.Settings(10, Wallet.Settings.DEFAULT_SNAPSHOT_EVERY),
        balance, heldFor, held);
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
  void debitTakesTheAmountOutOfTheBalanceForGood() {
    var walletId = newUser();
    var wallet = wallet(walletId, 10);
    credit(wallet, "funding", 1000);

    var result = debit(wallet, "t1", 300);

    assertEquals(new Debited("t1", 700, true), result.reply(), "the balance after it, and nothing to settle");
    assertEquals(List.of(new FundsDebited(walletId, "t1", 300)), result.events());
    assertEquals(700, result.state().balance());
    assertEquals(Map.of(), result.state().holds());
    assertTrue(result.state().finished().contains("t1"), "recognised when it comes again");
    assertEquals(new Balance(700, 0), balance(wallet));
  }

  @Test
  void aWalletSetToHoldDebitsHoldsThemAsVersionsBeforeDidForARollingUpdate() {
    var walletId = newUser();
    var wallet = wallet(walletId, new Wallet.Settings(10, Wallet.Settings.DEFAULT_SNAPSHOT_EVERY, true));
    credit(wallet, "funding", 1000);

    var result = debit(wallet, "t1", 300);

    assertEquals(new Debited("t1", 700, false), result.reply(), "the saga must settle it");
    assertEquals(List.of(new FundsHeld(walletId, "t1", 300)), result.events());
    assertEquals(new Balance(700, 300), balance(wallet));
    assertEquals(List.of(new HoldSettled(walletId, "t1", 300)), settle(wallet, "t1").events());
    assertEquals(new Balance(700, 0), balance(wallet));
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

    assertEquals(new Debited("t1", 0, true), debit(wallet, "t1", 100).reply());
    assertEquals(new Balance(0, 0), balance(wallet));
  }

  @Test
  void repeatedDebitIsAnsweredAgainWithoutTakingTheMoneyTwice() {
    var wallet = walletWith(1000);
    debit(wallet, "t1", 300);
    credit(wallet, "in", 50);

    var again = debit(wallet, "t1", 300);
    assertEquals(new Debited("t1", 750, true), again.reply(), "a repeat answers the balance as it is now");
    assertTrue(again.hasNoEvents());

    // What a transfer restarted after its debit sends beside the credit, not knowing whether an
    // older journal held the money: answered from the window, without a write.
    var settle = settle(wallet, "t1");
    assertEquals(new Settled("t1", 750), settle.reply());
    assertTrue(settle.hasNoEvents());
    assertEquals(new Balance(750, 0), balance(wallet));
  }

  @Test
  void repeatedDebitIsRecognisedEvenWhenTheBalanceNoLongerCoversIt() {
    var wallet = walletWith(300);
    debit(wallet, "t1", 300);

    // A refusal here would make the saga reject a transfer whose money is already debited.
    assertEquals(new Debited("t1", 0, true), debit(wallet, "t1", 300).reply());
  }

  @Test
  void aHoldFromAnOlderJournalIsRecognisedAndStillHasToBeSettled() {
    var wallet = walletHoldingFromAnOlderJournal(newUser(), 1000, "t1", 300);

    var again = debit(wallet, "t1", 300);

    assertEquals(new Debited("t1", 700, false), again.reply(), "the saga must settle this one");
    assertTrue(again.hasNoEvents());
    assertEquals(new Balance(700, 300), balance(wallet));
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
    var wallet = walletHoldingFromAnOlderJournal(walletId, 1000, "t1", 300);

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
    var wallet = walletHoldingFromAnOlderJournal(walletId, 1000, "t1", 300);

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

    assertEquals(new Debited("deposit-1", -500, true), result.reply());
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
    // An older journal's credit of 100 and hold of 5 for h0 are events 1 and 2; 46 credits and 2
    // debits are events 3..50: a snapshot is taken at 50, the interval set.
    var wallet = walletHoldingFromAnOlderJournal(walletId, new Wallet.Settings(3, 50), 100, "h0", 5);
    IntStream.rangeClosed(1, 46).forEach(n -> credit(wallet, "c" + n, 1));
    debit(wallet, "d1", 7);
    debit(wallet, "d2", 9);
    credit(wallet, "c47", 1);

    var snapshots = wallet.snapshotTestKit().orElseThrow().persistedInStorage("Wallet|" + walletId);
    assertEquals(50, snapshots.get(snapshots.size() - 1).first().sequenceNr());
    assertEquals(new State(125, Map.of("h0", 5L), FinishedTransfers.of(List.of("c46", "d1", "d2")),
            FinishedTransfers.NONE),
        snapshots.get(snapshots.size() - 1).second());

    // Recovery loads the snapshot and replays only event 51: holds and window must come from the snapshot.
    var recovered = wallet.restart().state();

    assertEquals(new State(126, Map.of("h0", 5L), FinishedTransfers.of(List.of("d1", "d2", "c47")),
        FinishedTransfers.NONE), recovered);
    assertEquals(new Debited("h0", 126, false), debit(wallet, "h0", 5).reply(), "the hold is recognised");
    assertTrue(debit(wallet, "d1", 7).hasNoEvents(), "the window is recognised");
    assertEquals(new Balance(126, 5), balance(wallet));
  }

  @Test
  void everyEventIsTaggedForTheProjections() {
    var wallet = (Wallet) Wallet.create(newUser(), 10);

    for (Event event : List.<Event>of(new FundsDebited("w", "t", 1), new FundsHeld("w", "t", 1), new FundsCredited("w", "t", 1),
        new HoldSettled("w", "t", 1), new HoldRefunded("w", "t", 1), new Wallet.DebitRefused("w", "t", 1),
        new Wallet.NothingHeld("w", "t"))) {
      assertEquals(Set.of(Wallet.TAG), wallet.tagsFor(event));
    }
  }

  @Test
  void anOlderNodesDebitedAnswerWithoutTheNewFieldsMeansTheTransferMustSettle() {
    // A rolling update: a wallet of a version before 6 December 2026 answers {"transferId": ...} alone.
    var serialization = akka.serialization.SerializationExtension.get(testKit.system());
    var current = new Debited("t1", 700, true);
    var serializer = serialization.findSerializerFor(current);
    var manifest = akka.serialization.Serializers.manifestFor(serializer, current);
    byte[] olderAnswer = "{\"transferId\":\"t1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    var read = serialization.deserialize(olderAnswer, serializer.identifier(), manifest).get();

    assertEquals(new Debited("t1", 0, false), read, "settled reads as false: the saga sends the settle the older wallet needs");
  }
}
