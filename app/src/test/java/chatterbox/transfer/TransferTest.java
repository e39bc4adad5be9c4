package chatterbox.transfer;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.Offset;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import akka.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;
import akka.stream.javadsl.Sink;
import chatterbox.transfer.TransferStatus.Stage;
import chatterbox.wallet.MoneyTestConfig;
import chatterbox.wallet.Wallet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The saga against real wallets: what moves, and how often. Each test runs on a fresh actor system. */
class TransferTest {

  static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final Transfer.Settings FAST = new Transfer.Settings(Duration.ofMillis(500), Duration.ofMillis(50), Duration.ofMillis(200));

  private final ActorTestKit testKit = ActorTestKit.create(MoneyTestConfig.serializingMessages());
  private final PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
  private final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
  private final Map<String, ActorRef<Wallet.Command>> wallets = new HashMap<>();

  TransferTest() {
    for (var walletId : List.of("alice", "bob", Wallet.TREASURY_ID)) {
      wallets.put(walletId, testKit.spawn(Wallet.create(walletId, 100)));
    }
  }

  @AfterEach
  void shutdown() {
    testKit.shutdownTestKit();
  }

  private ActorRef<Transfer.Command> transfer(String transferId) {
    return testKit.spawn(Transfer.create(transferId, wallets::get, FAST, shard.ref(), CLOCK));
  }

  private Transfer.StartReply start(ActorRef<Transfer.Command> transfer, TransferRequest request) {
    var outcome = testKit.<Transfer.StartReply>createTestProbe();
    transfer.tell(new Transfer.Start(request, outcome.ref()));
    return outcome.receiveMessage(Duration.ofSeconds(5));
  }

  private void fund(String walletId, long amount) {
    var credited = testKit.<Wallet.Credited>createTestProbe();
    wallets.get(walletId).tell(new Wallet.Credit("funding-" + walletId, amount, credited.ref()));
    credited.receiveMessage();
  }

  private Wallet.Balance balance(String walletId) {
    var balance = testKit.<Wallet.Balance>createTestProbe();
    wallets.get(walletId).tell(new Wallet.GetBalance(balance.ref()));
    return balance.receiveMessage();
  }

  private List<Object> events(String transferId) {
    return journal.persistedInStorage("Transfer|" + transferId);
  }

  private static List<Class<?>> classes(List<?> objects) {
    return objects.stream().<Class<?>>map(Object::getClass).toList();
  }

  @Test
  void paymentMovesTheAmountExactlyOnce() {
    fund("alice", 1000);
    var payment = TransferRequest.payment("alice", "bob", 300, "alice");
    var t1 = transfer("t1");

    var outcome = start(t1, payment);

    assertEquals(new Transfer.Receipt(new TransferStatus("t1", Stage.COMPLETED, "alice", "bob", 300,
        TransferRequest.Kind.PAYMENT, "alice", Optional.empty(), NOW, Optional.of(NOW)), new Transfer.Balances(700, 300)), outcome);
    assertEquals(new Wallet.Balance(700, 0), balance("alice"));
    assertEquals(new Wallet.Balance(300, 0), balance("bob"));
    assertEquals(List.of(
        new Transfer.TransferRequested("t1", payment, NOW),
        new Transfer.FundsDebited("t1", NOW),
        new Transfer.TransferCompleted("t1", NOW)), events("t1"));
    assertEquals(new ClusterSharding.Passivate<>(t1), shard.receiveMessage());
    // One step at each wallet: the debit takes the money for good, no hold to settle afterwards.
    assertEquals(List.of(new Wallet.FundsCredited("alice", "funding-alice", 1000), new Wallet.FundsDebited("alice", "t1", 300)),
        journal.persistedInStorage("Wallet|alice"));
    assertEquals(List.of(new Wallet.FundsCredited("bob", "t1", 300)), journal.persistedInStorage("Wallet|bob"));
  }

  @Test
  void wherePayersHoldTheirDebitsTheTransferSettlesTheHoldBesideTheCredit() {
    // Wallets of a rolling update from a version whose debits held the money (chatterbox.money.wallet-debits-hold).
    testKit.stop(wallets.get("alice"));
    var holdingAlice = testKit.spawn(Wallet.create("alice", new Wallet.Settings(100, Wallet.Settings.DEFAULT_SNAPSHOT_EVERY, true)));
    wallets.put("alice", holdingAlice);
    fund("alice", 1000);
    var payment = TransferRequest.payment("alice", "bob", 300, "alice");

    var outcome = (Transfer.Receipt) start(transfer("t1"), payment);

    assertEquals(Stage.COMPLETED, outcome.status().stage());
    assertEquals(new Transfer.Balances(700, 300), outcome.balances());
    assertEquals(new Wallet.Balance(700, 0), balance("alice"), "nothing left on hold");
    assertEquals(List.of(Wallet.FundsCredited.class, Wallet.FundsHeld.class, Wallet.HoldSettled.class),
        classes(journal.persistedInStorage("Wallet|alice")));
  }

  @Test
  void aDebitBeyondThePayersBalanceRejectsTheTransferAndMovesNothing() {
    fund("alice", 100);
    var t1 = transfer("t1");

    var outcome = (TransferStatus) start(t1, TransferRequest.payment("alice", "bob", 300, "alice"));

    assertEquals(Stage.REJECTED, outcome.stage());
    assertEquals(Optional.of(Transfer.INSUFFICIENT_FUNDS), outcome.reason());
    assertEquals(new Wallet.Balance(100, 0), balance("alice"));
    assertEquals(new Wallet.Balance(0, 0), balance("bob"));
    assertEquals(List.of(Transfer.TransferRequested.class, Transfer.TransferRejected.class), classes(events("t1")));
    assertEquals(List.of(Wallet.FundsCredited.class, Wallet.DebitRefused.class),
        classes(journal.persistedInStorage("Wallet|alice")), "alice's refusal is journaled; no money moved");
    assertEquals(new ClusterSharding.Passivate<>(t1), shard.receiveMessage());
  }

  @Test
  void startingAgainWithTheSameRequestAnswersTheFirstOutcomeAndMovesNothing() {
    fund("alice", 1000);
    var payment = TransferRequest.payment("alice", "bob", 300, "alice");
    var firstIncarnation = transfer("t1");
    var first = start(firstIncarnation, payment);

    var repeated = start(firstIncarnation, payment);
    testKit.stop(firstIncarnation);
    var afterRecovery = start(transfer("t1"), payment);

    assertEquals(StartReplies.status(first), repeated);
    assertEquals(StartReplies.status(first), afterRecovery);
    assertEquals(3, events("t1").size());
    assertEquals(new Wallet.Balance(700, 0), balance("alice"));
    assertEquals(new Wallet.Balance(300, 0), balance("bob"));
  }

  @Test
  void startsArrivingTogetherAllGetTheOneOutcome() {
    fund("alice", 1000);
    var payment = TransferRequest.payment("alice", "bob", 300, "alice");
    var t1 = transfer("t1");
    var callers = List.of(testKit.<Transfer.StartReply>createTestProbe(), testKit.<Transfer.StartReply>createTestProbe(),
        testKit.<Transfer.StartReply>createTestProbe());

    callers.forEach(caller -> t1.tell(new Transfer.Start(payment, caller.ref())));

    var outcomes = callers.stream().map(caller -> StartReplies.status(caller.receiveMessage(Duration.ofSeconds(5)))).toList();
    outcomes.forEach(outcome -> assertEquals(Stage.COMPLETED, outcome.stage()));
    assertEquals(new Wallet.Balance(700, 0), balance("alice"));
    assertEquals(new Wallet.Balance(300, 0), balance("bob"));
  }

  @Test
  void theSameIdWithADifferentRequestIsAMismatchAndChangesNothing() {
    fund("alice", 1000);
    var t1 = transfer("t1");
    start(t1, TransferRequest.payment("alice", "bob", 300, "alice"));

    var otherAmount = start(t1, TransferRequest.payment("alice", "bob", 301, "alice"));
    var otherPayee = start(t1, TransferRequest.withdrawal("alice", 300, "operator"));

    assertInstanceOf(Transfer.Mismatch.class, otherAmount);
    assertEquals("t1", ((Transfer.Mismatch) otherAmount).transferId());
    assertInstanceOf(Transfer.Mismatch.class, otherPayee);
    assertEquals(3, events("t1").size());
    assertEquals(new Wallet.Balance(700, 0), balance("alice"));
    assertEquals(new Wallet.Balance(300, 0), balance("bob"));
  }

  @Test
  void depositsAndWithdrawalsGoThroughTheTreasurySoAllBalancesAddUpToZero() {
    var deposit = StartReplies.status(start(transfer("d1"), TransferRequest.deposit("alice", 500, "operator")));
    var payment = StartReplies.status(start(transfer("p1"), TransferRequest.payment("alice", "bob", 200, "alice")));
    var withdrawal = StartReplies.status(start(transfer("w1"), TransferRequest.withdrawal("bob", 50, "operator")));

    List.of(deposit, payment, withdrawal).forEach(status -> assertEquals(Stage.COMPLETED, status.stage()));
    assertEquals(new Wallet.Balance(-450, 0), balance(Wallet.TREASURY_ID));
    assertEquals(new Wallet.Balance(300, 0), balance("alice"));
    assertEquals(new Wallet.Balance(150, 0), balance("bob"));
  }

  @Test
  void aLookupOfAnUnknownIdAnswersUnknownWritesNothingAndPassivates() {
    var unknown = transfer("nobody-started-this");
    var reply = testKit.<Transfer.GetReply>createTestProbe();

    unknown.tell(new Transfer.Get(reply.ref()));

    assertEquals(new Transfer.UnknownTransfer("nobody-started-this"), reply.receiveMessage());
    assertEquals(new ClusterSharding.Passivate<>(unknown), shard.receiveMessage());
    assertEquals(List.of(), events("nobody-started-this"));
  }

  @Test
  void everyEventIsTaggedForTheProjections() throws Exception {
    fund("alice", 1000);
    start(transfer("t1"), TransferRequest.payment("alice", "bob", 300, "alice"));

    // The completion is answered while its last event is being written: wait for that write.
    var transferEvents = chatterbox.testing.Eventually.await(java.time.Duration.ofSeconds(5),
        () -> persistenceIdsTaggedNow(Transfer.TAG), ids -> ids.size() >= 3);
    assertEquals(List.of("Transfer|t1", "Transfer|t1", "Transfer|t1"), transferEvents);
    var walletEvents = chatterbox.testing.Eventually.await(java.time.Duration.ofSeconds(5),
        () -> persistenceIdsTaggedNow(Wallet.TAG), ids -> ids.size() >= 3);
    // Alice's funding and debit, then bob's credit.
    assertEquals(List.of("Wallet|alice", "Wallet|alice", "Wallet|bob"), walletEvents);
  }

  private List<String> persistenceIdsTaggedNow(String tag) {
    try {
      return persistenceIdsTagged(tag);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private List<String> persistenceIdsTagged(String tag) throws Exception {
    var readJournal = PersistenceQuery.get(testKit.system())
        .getReadJournalFor(PersistenceTestKitReadJournal.class, PersistenceTestKitReadJournal.Identifier());
    return readJournal.currentEventsByTag(tag, Offset.noOffset())
        .map(EventEnvelope::persistenceId)
        .runWith(Sink.seq(), testKit.system())
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
