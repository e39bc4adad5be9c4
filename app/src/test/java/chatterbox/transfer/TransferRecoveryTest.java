package chatterbox.transfer;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import chatterbox.transfer.TransferStatus.Stage;
import chatterbox.wallet.MoneyTestConfig;
import chatterbox.wallet.Wallet;
import chatterbox.wallet.Wallets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static chatterbox.transfer.TransferTest.CLOCK;
import static chatterbox.transfer.TransferTest.FAST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The saga when wallets are slow, replies get lost, or the transfer restarts half-way. Wallets
 * here are probes, so each test decides what every step sees.
 */
class TransferRecoveryTest {

  // Long enough that nothing in these tests is retried unless the test means it to be.
  private static final Transfer.Settings PATIENT =
      new Transfer.Settings(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));
  private static final TransferRequest PAYMENT = TransferRequest.payment("alice", "bob", 300, "alice");

  private final ActorTestKit testKit = ActorTestKit.create(MoneyTestConfig.serializingMessages());
  private final TestProbe<Wallet.Command> alice = testKit.createTestProbe();
  private final TestProbe<Wallet.Command> bob = testKit.createTestProbe();
  private final Wallets wallets = Map.of("alice", alice.ref(), "bob", bob.ref())::get;
  private final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
  private final TestProbe<Transfer.StartReply> caller = testKit.createTestProbe();

  @AfterEach
  void shutdown() {
    testKit.shutdownTestKit();
  }

  private ActorRef<Transfer.Command> transfer(Transfer.Settings settings) {
    return testKit.spawn(Transfer.create("t1", wallets, settings, shard.ref(), CLOCK));
  }

  private EventSourcedBehaviorTestKit<Transfer.Command, Transfer.Event, Transfer.State> restartableTransfer() {
    return EventSourcedBehaviorTestKit.create(testKit.system(),
        Transfer.create("t1", wallets, PATIENT, shard.ref(), CLOCK),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  private static void answerDebit(TestProbe<Wallet.Command> wallet) {
    var debit = wallet.expectMessageClass(Wallet.Debit.class);
    debit.replyTo().tell(new Wallet.Debited(debit.transferId(), 700, true));
  }

  /** As a wallet answers that still holds the money (an older journal's debit, or a rolling upgrade's older node). */
  private static void answerDebitWithAHold(TestProbe<Wallet.Command> wallet) {
    var debit = wallet.expectMessageClass(Wallet.Debit.class);
    debit.replyTo().tell(new Wallet.Debited(debit.transferId(), 700, false));
  }

  private static void answerCredit(TestProbe<Wallet.Command> wallet) {
    var credit = wallet.expectMessageClass(Wallet.Credit.class);
    credit.replyTo().tell(new Wallet.Credited(credit.transferId(), 300));
  }

  private static void answerSettle(TestProbe<Wallet.Command> wallet) {
    var settle = wallet.expectMessageClass(Wallet.Settle.class);
    settle.replyTo().tell(new Wallet.Settled(settle.transferId(), 700));
  }

  private TransferStatus status(ActorRef<Transfer.Command> transfer) {
    var reply = testKit.<Transfer.GetReply>createTestProbe();
    transfer.tell(new Transfer.Get(reply.ref()));
    return (TransferStatus) reply.receiveMessage();
  }

  @Test
  void aLostReplyIsRetriedAndTheMoneyMovesOnce() {
    var realAlice = testKit.spawn(Wallet.create("alice", 100));
    var realBob = testKit.spawn(Wallet.create("bob", 100));
    var replies = testKit.<Object>createTestProbe();
    realAlice.tell(new Wallet.Credit("funding", 1000, replies.ref().narrow()));
    replies.receiveMessage();
    var lostReplies = testKit.<Wallet.DebitReply>createTestProbe();
    var t1 = transfer(FAST);

    t1.tell(new Transfer.Start(PAYMENT, caller.ref()));
    // Alice's wallet carries out the first debit, but its answer never reaches the saga.
    var first = alice.expectMessageClass(Wallet.Debit.class);
    realAlice.tell(new Wallet.Debit(first.transferId(), first.amount(), lostReplies.ref()));
    assertEquals(new Wallet.Debited("t1", 700, true), lostReplies.receiveMessage());
    // The saga asks again after its step timeout; from here on every message gets through.
    realAlice.tell(alice.expectMessageClass(Wallet.Debit.class, Duration.ofSeconds(3)));
    realBob.tell(bob.expectMessageClass(Wallet.Credit.class));

    assertEquals(Stage.COMPLETED, StartReplies.status(caller.receiveMessage()).stage());
    var balance = testKit.<Wallet.Balance>createTestProbe();
    realAlice.tell(new Wallet.GetBalance(balance.ref()));
    assertEquals(new Wallet.Balance(700, 0), balance.receiveMessage());
    realBob.tell(new Wallet.GetBalance(balance.ref()));
    assertEquals(new Wallet.Balance(300, 0), balance.receiveMessage());
    assertEquals(3, PersistenceTestKit.create(testKit.system()).persistedInStorage("Transfer|t1").size());
    alice.expectNoMessage(Duration.ofMillis(300));
    bob.expectNoMessage();
  }

  @Test
  void anUnansweredStepIsRepeatedUntilTheWalletAnswers() {
    transfer(FAST).tell(new Transfer.Start(PAYMENT, caller.ref()));

    var attempts = alice.receiveSeveralMessages(3, Duration.ofSeconds(5));
    attempts.forEach(attempt -> {
      assertEquals("t1", ((Wallet.Debit) attempt).transferId());
      assertEquals(300, ((Wallet.Debit) attempt).amount());
    });
    ((Wallet.Debit) attempts.get(2)).replyTo().tell(new Wallet.Debited("t1", 700, true));
    answerCredit(bob);

    assertEquals(Stage.COMPLETED, StartReplies.status(caller.receiveMessage()).stage());
  }

  @Test
  void retriesWaitLongerEachTimeUpToTheMaximum() {
    var settings = new Transfer.Settings(Duration.ofSeconds(3), Duration.ofMillis(200), Duration.ofSeconds(5));

    assertEquals(List.of(200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L),
        List.of(1, 2, 3, 4, 5, 6, 7).stream().map(n -> settings.retryDelay(n).toMillis()).toList());
    assertEquals(Duration.ofSeconds(5), settings.retryDelay(Integer.MAX_VALUE));
  }

  @Test
  void aRestartWhileCreditingResumesWithTheCreditAndASettle() {
    var transfer = restartableTransfer();
    var started = transfer.runCommand(new Transfer.Start(PAYMENT, caller.ref()));
    assertEquals(List.of(Transfer.TransferRequested.class), started.events().stream().map(Object::getClass).toList());
    answerDebit(alice);
    bob.expectMessageClass(Wallet.Credit.class); // unanswered: the node goes down now
    alice.expectNoMessage(Duration.ofMillis(100)); // the debit left nothing to settle

    var recovered = transfer.restart().state();

    assertInstanceOf(Transfer.Crediting.class, recovered);
    answerCredit(bob); // sent again by the recovered saga: no retry would come for 30 s
    // The recovered saga cannot tell whether the payer holds the money (an older journal's debit
    // did): it settles too, which a wallet with nothing held answers from its window.
    answerSettle(alice);
    shard.expectMessageClass(ClusterSharding.Passivate.class); // sent once the outcome is journaled

    assertInstanceOf(Transfer.Completed.class, transfer.getState());
    var status = transfer.<Transfer.GetReply>runCommand(Transfer.Get::new).reply();
    assertEquals(Stage.COMPLETED, ((TransferStatus) status).stage());
  }

  @Test
  void aStepResultLostInACrashIsRepeatedAtTheWalletAndTheSagaGoesOn() {
    var transfer = restartableTransfer();
    transfer.runCommand(new Transfer.Start(PAYMENT, caller.ref()));
    // The next step is sent while FundsDebited is being written; that write fails (the node dies).
    transfer.persistenceTestKit().failNextPersisted();
    answerDebit(alice);
    answerCredit(bob); // bob's wallet applied the credit; its answer reaches nobody

    var recovered = transfer.restart().state();

    assertInstanceOf(Transfer.Debiting.class, recovered, "the lost result's step is the one repeated");
    answerDebit(alice); // a real wallet answers a repeated debit without debiting again (WalletTest)
    answerCredit(bob); // likewise the repeated credit
    shard.expectMessageClass(ClusterSharding.Passivate.class);
    assertInstanceOf(Transfer.Completed.class, transfer.getState());
    alice.expectNoMessage(Duration.ofMillis(200));
    bob.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aCompletionIsAnsweredOnceBothWalletsAreDoneAndALostLastWriteIsMadeUpByRecovery() throws InterruptedException {
    var transfer = restartableTransfer();
    transfer.runCommand(new Transfer.Start(PAYMENT, caller.ref()));
    answerDebit(alice);
    // The debit's answer reaches the saga through an ask's own actor: wait until it is journaled.
    for (int i = 0; i < 100 && !(transfer.getState() instanceof Transfer.Crediting); i++) Thread.sleep(20);
    assertInstanceOf(Transfer.Crediting.class, transfer.getState());
    transfer.persistenceTestKit().failNextPersisted(); // TransferCompleted will not be written
    answerCredit(bob);
    assertEquals(Stage.COMPLETED, StartReplies.status(caller.receiveMessage()).stage(), "answered once both wallets are done");

    assertInstanceOf(Transfer.Crediting.class, transfer.restart().state(), "the outcome was not written");
    answerCredit(bob); // credited again, and a settle: the wallets recognise the transfer and change nothing
    answerSettle(alice);
    shard.expectMessageClass(ClusterSharding.Passivate.class);
    assertInstanceOf(Transfer.Completed.class, transfer.getState());
  }

  @Test
  void aRejectionIsAnsweredOnlyOnceJournaled() {
    var transfer = restartableTransfer();
    transfer.runCommand(new Transfer.Start(PAYMENT, caller.ref()));
    transfer.persistenceTestKit().failNextPersisted(); // TransferRejected will not be written
    var debit = alice.expectMessageClass(Wallet.Debit.class);
    debit.replyTo().tell(new Wallet.InsufficientFunds(debit.transferId(), 0));
    caller.expectNoMessage(Duration.ofMillis(300));
    assertInstanceOf(Transfer.Debiting.class, transfer.restart().state());
  }

  @Test
  void aRestartWhileDebitingResumesWithTheDebit() {
    var transfer = restartableTransfer();
    transfer.runCommand(new Transfer.Start(PAYMENT, caller.ref()));
    alice.expectMessageClass(Wallet.Debit.class);

    assertInstanceOf(Transfer.Debiting.class, transfer.restart().state());

    answerDebit(alice);
    answerCredit(bob);
    shard.expectMessageClass(ClusterSharding.Passivate.class);
    assertInstanceOf(Transfer.Completed.class, transfer.getState());
  }

  @Test
  void aRecoveredFinishedTransferAnswersAndPassivatesWithoutMovingMoney() {
    var transfer = restartableTransfer();
    transfer.runCommand(new Transfer.Start(PAYMENT, caller.ref()));
    answerDebit(alice);
    answerCredit(bob);
    caller.receiveMessage();
    shard.receiveMessage();

    transfer.restart();

    shard.expectMessageClass(ClusterSharding.Passivate.class);
    var repeated = transfer.<Transfer.StartReply>runCommand(replyTo -> new Transfer.Start(PAYMENT, replyTo));
    assertEquals(Stage.COMPLETED, ((TransferStatus) repeated.reply()).stage());
    assertEquals(List.of(), repeated.events());
    alice.expectNoMessage(Duration.ofMillis(200));
    bob.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aLookupDuringTheTransferShowsTheStepItIsAt() {
    var t1 = transfer(PATIENT);
    t1.tell(new Transfer.Start(PAYMENT, caller.ref()));

    var debit = alice.expectMessageClass(Wallet.Debit.class);
    assertEquals(Stage.DEBITING, status(t1).stage());
    debit.replyTo().tell(new Wallet.Debited("t1", 700, true));
    // A step goes out only after the previous one is journaled: once a wallet sees it, the saga is there.
    var credit = bob.expectMessageClass(Wallet.Credit.class);
    assertEquals(Stage.CREDITING, status(t1).stage());
    credit.replyTo().tell(new Wallet.Credited("t1", 300));
    assertEquals(Stage.COMPLETED, StartReplies.status(caller.receiveMessage()).stage());
    alice.expectNoMessage(Duration.ofMillis(100)); // nothing to settle: the payer had one step
  }

  @Test
  void aDebitOnHoldIsSettledBesideTheCreditAndOneAnswerIsNotTheEndOfTheStep() {
    var t1 = transfer(PATIENT);
    t1.tell(new Transfer.Start(PAYMENT, caller.ref()));

    answerDebitWithAHold(alice);
    var credit = bob.expectMessageClass(Wallet.Credit.class);
    var settle = alice.expectMessageClass(Wallet.Settle.class); // sent with the credit, not after it
    assertEquals(Stage.CREDITING, status(t1).stage());
    credit.replyTo().tell(new Wallet.Credited("t1", 300));
    assertEquals(Stage.CREDITING, status(t1).stage(), "one of the two answers is not the end of the step");
    caller.expectNoMessage(Duration.ofMillis(100));
    settle.replyTo().tell(new Wallet.Settled("t1", 700));
    assertEquals(Stage.COMPLETED, StartReplies.status(caller.receiveMessage()).stage());
  }

  @Test
  void theCallersWaitingAtTheEndGetAReceiptWithTheBalancesTheWalletsAnswered() {
    var transfer = restartableTransfer();
    var other = testKit.<Transfer.StartReply>createTestProbe();
    transfer.runCommand(new Transfer.Start(PAYMENT, caller.ref()));
    transfer.runCommand(new Transfer.Start(PAYMENT, other.ref()));
    alice.expectMessageClass(Wallet.Debit.class).replyTo().tell(new Wallet.Debited("t1", 567, true));
    bob.expectMessageClass(Wallet.Credit.class).replyTo().tell(new Wallet.Credited("t1", 1_234));

    var receipt = assertInstanceOf(Transfer.Receipt.class, caller.receiveMessage());
    assertEquals(new Transfer.Balances(567, 1_234), receipt.balances());
    assertEquals(Stage.COMPLETED, receipt.status().stage());
    assertEquals(receipt, other.receiveMessage(), "every caller waiting gets the same receipt");
    shard.expectMessageClass(ClusterSharding.Passivate.class);

    var later = transfer.<Transfer.StartReply>runCommand(replyTo -> new Transfer.Start(PAYMENT, replyTo)).reply();
    assertEquals(receipt.status(), later, "a caller after the end gets the status alone: the balances have moved on since");
  }

  @Test
  void theSettleMayBeAnsweredBeforeTheCreditAndTheTransferWaitsForBoth() {
    var transfer = restartableTransfer();
    transfer.runCommand(new Transfer.Start(PAYMENT, caller.ref()));
    answerDebitWithAHold(alice);
    var credit = bob.expectMessageClass(Wallet.Credit.class);
    answerSettle(alice);
    caller.expectNoMessage(Duration.ofMillis(200));

    credit.replyTo().tell(new Wallet.Credited("t1", 300));

    assertEquals(Stage.COMPLETED, StartReplies.status(caller.receiveMessage()).stage());
    shard.expectMessageClass(ClusterSharding.Passivate.class);
    var journal = transfer.persistenceTestKit().persistedInStorage("Transfer|t1").stream().map(Object::getClass).toList();
    assertEquals(List.of(Transfer.TransferRequested.class, Transfer.FundsDebited.class, Transfer.TransferCompleted.class),
        journal, "the journal is the same either way");
  }

  @Test
  void aRetryWhileCreditingRepeatsOnlyTheUnansweredStep() {
    transfer(FAST).tell(new Transfer.Start(PAYMENT, caller.ref()));
    answerDebitWithAHold(alice);
    bob.expectMessageClass(Wallet.Credit.class); // unanswered
    answerSettle(alice);

    answerCredit(bob); // the retry, after the step timeout

    assertEquals(Stage.COMPLETED, StartReplies.status(caller.receiveMessage()).stage());
    alice.expectNoMessage(Duration.ofMillis(300)); // the settle was answered: not sent again
  }

  @Test
  void aJournalThatEndsCreditedResumesWithTheSettleOnly() {
    // Written before credit and settle ran side by side: RecipientCredited on its own.
    var at = CLOCK.instant();
    var transfer = restartableTransfer();
    transfer.initialize(new Transfer.TransferRequested("t1", PAYMENT, at), new Transfer.FundsDebited("t1", at),
        new Transfer.RecipientCredited("t1", at));

    assertInstanceOf(Transfer.Settling.class, transfer.getState());
    answerSettle(alice);
    shard.expectMessageClass(ClusterSharding.Passivate.class);
    assertInstanceOf(Transfer.Completed.class, transfer.getState());
    bob.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aDifferentRequestDuringTheTransferIsAMismatchAndTheTransferGoesOn() {
    var t1 = transfer(PATIENT);
    t1.tell(new Transfer.Start(PAYMENT, caller.ref()));
    answerDebit(alice);
    var other = testKit.<Transfer.StartReply>createTestProbe();

    t1.tell(new Transfer.Start(TransferRequest.payment("alice", "bob", 999, "alice"), other.ref()));

    assertInstanceOf(Transfer.Mismatch.class, other.receiveMessage());
    var credit = bob.expectMessageClass(Wallet.Credit.class);
    assertEquals(300, credit.amount());
    credit.replyTo().tell(new Wallet.Credited("t1", 300));
    assertEquals(300, StartReplies.status(caller.receiveMessage()).amount());
  }

  @Test
  void aStopFromTheShardDuringTheTransferWaitsUntilItIsFinished() {
    var t1 = transfer(PATIENT);
    var watcher = testKit.createTestProbe();
    t1.tell(new Transfer.Start(PAYMENT, caller.ref()));
    var debit = alice.expectMessageClass(Wallet.Debit.class);

    t1.tell(Transfer.Stop.INSTANCE);
    debit.replyTo().tell(new Wallet.Debited("t1", 700, true));
    answerCredit(bob);

    assertEquals(Stage.COMPLETED, StartReplies.status(caller.receiveMessage()).stage());
    watcher.expectTerminated(t1);
    shard.expectNoMessage(Duration.ofMillis(200)); // the shard is already waiting for this stop
  }

  @Test
  void aStopFromTheShardAfterTheTransferStopsItAtOnce() {
    var t1 = transfer(PATIENT);
    var watcher = testKit.createTestProbe();
    t1.tell(new Transfer.Start(PAYMENT, caller.ref()));
    answerDebit(alice);
    answerCredit(bob);
    caller.receiveMessage();
    assertEquals(new ClusterSharding.Passivate<>(t1), shard.receiveMessage());

    t1.tell(Transfer.Stop.INSTANCE);

    watcher.expectTerminated(t1);
  }
}
