package chatterbox.wallet;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import chatterbox.platform.persistence.Database;
import chatterbox.platform.testing.TestPostgres;
import chatterbox.wallet.Wallet.Balance;
import chatterbox.wallet.Wallet.Command;
import chatterbox.wallet.Wallet.Credited;
import chatterbox.wallet.Wallet.Debited;
import chatterbox.wallet.Wallet.Refunded;
import chatterbox.wallet.Wallet.Settled;
import chatterbox.platform.runtime.ServiceNode;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two incarnations of one wallet on the real journal (PostgreSQL), as for a moment after a
 * partition or a pause: one recovered on a survivor while the old one, not yet stopped, still
 * writes. The journal's key on (persistence id, sequence number) is what keeps them apart; these
 * tests check that the wallet never answers past it.
 */
class WalletIncarnationsTest {

  private static final AtomicInteger users = new AtomicInteger();
  private static Database database;
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    database = TestPostgres.freshDatabase("wallets");
    database.migrate("db/app");
    testKit = ActorTestKit.create("wallet-incarnations", database.persistenceConfig()
        .withFallback(ConfigFactory.parseString("akka.actor.provider = local"))
        .withFallback(ServiceNode.withServiceDefaults(ConfigFactory.empty())));
  }

  @AfterAll
  static void stop() {
    if (testKit != null) testKit.shutdownTestKit();
    TestPostgres.drop(database);
  }

  private static ActorRef<Command> incarnation(String walletId) {
    return testKit.spawn(Wallet.create(walletId, 100));
  }

  /** A wallet with 1000 on it and a second incarnation that has recovered that much, and no more. */
  private record Overlap(String walletId, ActorRef<Command> old, ActorRef<Command> stale) {}

  private static Overlap overlap() {
    var walletId = "user" + users.incrementAndGet();
    var old = incarnation(walletId);
    var credited = testKit.createTestProbe(Credited.class);
    old.tell(new Wallet.Credit("funding", 1000, credited.ref()));
    credited.expectMessage(new Credited("funding", 1000));
    var stale = incarnation(walletId);
    assertEquals(new Balance(1000, 0), balance(stale), "the second incarnation has recovered");
    // The old incarnation goes on: it debits 300 for t1, which the second one has not seen.
    var debited = testKit.createTestProbe(Wallet.DebitReply.class);
    old.tell(new Wallet.Debit("t1", 300, debited.ref()));
    debited.expectMessage(new Debited("t1", 700, true));
    return new Overlap(walletId, old, stale);
  }

  private static Balance balance(ActorRef<Command> wallet) {
    var probe = testKit.createTestProbe(Balance.class);
    wallet.tell(new Wallet.GetBalance(probe.ref()));
    return probe.receiveMessage();
  }

  @Test
  void aStaleIncarnationDoesNotDebitTwiceButStopsAndTheNextOneRecognisesTheDebit() throws SQLException {
    staleOneStopsAndTheNextOneAnswers(Wallet.DebitReply.class, replyTo -> new Wallet.Debit("t1", 300, replyTo),
        new Debited("t1", 700, true));
  }

  @Test
  void aStaleIncarnationDoesNotSayNothingIsHeldToASettle() throws SQLException {
    staleOneStopsAndTheNextOneAnswers(Settled.class, replyTo -> new Wallet.Settle("t1", replyTo), new Settled("t1", 700));
  }

  @Test
  void aStaleIncarnationDoesNotSayNothingIsHeldToARefundEither() throws SQLException {
    staleOneStopsAndTheNextOneAnswers(Refunded.class, replyTo -> new Wallet.Refund("t1", replyTo), new Refunded("t1"));
  }

  /**
   * The saga, moved to a survivor, sends {@code step} for t1 to the stale incarnation: it must stop
   * unanswered, and the retry, reaching a new incarnation, must find the debit and answer from it,
   * moving no money a second time.
   */
  private static <R> void staleOneStopsAndTheNextOneAnswers(Class<R> replyType, Function<ActorRef<R>, Command> step,
                                                           R answer) throws SQLException {
    var overlap = overlap();
    var replies = testKit.createTestProbe(replyType);

    overlap.stale().tell(step.apply(replies.ref()));
    replies.expectTerminated(overlap.stale(), Duration.ofSeconds(10));
    replies.expectNoMessage(Duration.ofMillis(100)); // had it answered, the answer would be here already

    var next = incarnation(overlap.walletId());
    next.tell(step.apply(replies.ref()));
    replies.expectMessage(answer);
    assertEquals(new Balance(700, 0), balance(next));
    assertEquals(List.of("FundsCredited", "FundsDebited"), journal(overlap.walletId()));
  }

  @Test
  void onceTheNewIncarnationHasWrittenTheOldOneCanWriteNoMore() throws SQLException {
    var overlap = overlap();
    var next = incarnation(overlap.walletId()); // recovers the debit
    var credited = testKit.createTestProbe(Credited.class);
    next.tell(new Wallet.Credit("t2", 50, credited.ref()));
    credited.expectMessage(new Credited("t2", 750));

    // The old incarnation has not seen t2's credit: its debit for t3 is refused by the journal.
    var debited = testKit.createTestProbe(Wallet.DebitReply.class);
    overlap.old().tell(new Wallet.Debit("t3", 700, debited.ref()));
    debited.expectTerminated(overlap.old(), Duration.ofSeconds(10));
    debited.expectNoMessage(Duration.ofMillis(100));
    assertEquals(List.of("FundsCredited", "FundsDebited", "FundsCredited"), journal(overlap.walletId()));
  }

  /** The wallet's journal, event kinds in sequence order. */
  private static List<String> journal(String walletId) throws SQLException {
    try (var connection = DriverManager.getConnection(database.connectionUrl(), database.user(), database.password());
         var query = connection.prepareStatement(
             "SELECT event_ser_manifest FROM event_journal WHERE persistence_id = ? ORDER BY sequence_number")) {
      query.setString(1, "Wallet|" + walletId);
      var kinds = new ArrayList<String>();
      try (var rows = query.executeQuery()) {
        while (rows.next()) kinds.add(rows.getString(1).substring(rows.getString(1).lastIndexOf('$') + 1));
      }
      return kinds;
    }
  }
}
