package chatterbox.ledger;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import chatterbox.platform.persistence.BlockingJdbc;
import chatterbox.platform.persistence.Database;
import chatterbox.platform.testing.TestPostgres;
import chatterbox.transfer.Transfer;
import chatterbox.transfer.TransferRequest;
import chatterbox.wallet.Wallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The read models' writers fold a batch of events into one change per row: the rows must end as
 * if each event had been applied on its own, in journal order, whatever the batches' cut.
 */
class ReadModelBatchesTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static Database database;
  private static BlockingJdbc jdbc;

  @BeforeAll
  static void schema() {
    database = TestPostgres.freshDatabase("batches");
    database.migrate("db/app");
    jdbc = BlockingJdbc.create(testKit.system(), database, "batches-test");
  }

  @AfterAll
  static void drop() {
    testKit.shutdownTestKit();
    TestPostgres.drop(database);
  }

  private static void walletBatch(Wallet.Event... events) {
    jdbc.transaction(connection -> {
      WalletBalances.write(connection, List.of(events));
      return null;
    }).toCompletableFuture().join();
  }

  private static void transferBatch(Transfer.Event... events) {
    jdbc.transaction(connection -> {
      TransferHistory.write(connection, List.of(events));
      return null;
    }).toCompletableFuture().join();
  }

  /** wallet id -> [balance, held] */
  private static Map<String, List<Long>> balances() {
    return jdbc.transaction(connection -> {
      var rows = new HashMap<String, List<Long>>();
      try (var query = connection.prepareStatement("SELECT wallet_id, balance, held FROM wallet_balance");
           var result = query.executeQuery()) {
        while (result.next()) rows.put(result.getString(1), List.of(result.getLong(2), result.getLong(3)));
      }
      return rows;
    }).toCompletableFuture().join();
  }

  @Test
  void aBatchAddsUpEachWalletsEventsIntoItsRow() {
    walletBatch(new Wallet.FundsCredited("ann", "grant-ann", 1_000));
    walletBatch(
        new Wallet.FundsHeld("ann", "t1", 300),
        new Wallet.FundsCredited("bo", "t1", 300),
        new Wallet.HoldSettled("ann", "t1", 300),
        new Wallet.FundsHeld("ann", "t2", 200),
        new Wallet.DebitRefused("ann", "t3", 5_000),
        new Wallet.NothingHeld("bo", "t4"),
        // first seen here, and back to nothing within the batch: the row still appears, at zero
        new Wallet.FundsHeld("cy", "t5", 70),
        new Wallet.HoldRefunded("cy", "t5", 70));
    walletBatch(new Wallet.FundsCredited("bo", "t6", 5), new Wallet.HoldSettled("ann", "t2", 200),
        // a debit without a hold (journals since 6 December 2026)
        new Wallet.FundsDebited("bo", "t7", 100), new Wallet.FundsCredited("ann", "t7", 100));

    assertEquals(Map.of(
            "ann", List.of(1_000L - 300 - 200 + 100, 0L),
            "bo", List.of(205L, 0L),
            "cy", List.of(0L, 0L)),
        balances());
  }

  @Test
  void aBatchLeavesEachTransferAtItsLatestStage() {
    var t0 = Instant.parse("2026-11-26T10:00:00Z");
    var request = TransferRequest.payment("dee", "eve", 40, "dee");
    transferBatch(
        new Transfer.TransferRequested("h1", request, t0),
        new Transfer.FundsDebited("h1", t0.plusSeconds(1)),
        new Transfer.TransferRequested("h2", request, t0.plusSeconds(2)));
    transferBatch(
        new Transfer.RecipientCredited("h1", t0.plusSeconds(3)),
        new Transfer.DebitSettled("h1", t0.plusSeconds(4)),
        new Transfer.TransferRejected("h2", Transfer.INSUFFICIENT_FUNDS, t0.plusSeconds(5)),
        new Transfer.TransferRequested("h3", request, t0.plusSeconds(6)),
        new Transfer.TransferRejected("h3", Transfer.INSUFFICIENT_FUNDS, t0.plusSeconds(7)),
        new Transfer.TransferRequested("h4", request, t0.plusSeconds(8)),
        new Transfer.FundsDebited("h4", t0.plusSeconds(9)),
        new Transfer.TransferRequested("h5", request, t0.plusSeconds(10)),
        new Transfer.FundsDebited("h5", t0.plusSeconds(11)));
    transferBatch(new Transfer.TransferCompleted("h5", t0.plusSeconds(12))); // one event where h1 has the older pair

    var history = new Ledger(jdbc).history("dee", 10, 0).toCompletableFuture().join().stream()
        .collect(Collectors.toMap(Ledger.HistoryEntry::transferId, entry -> entry));
    assertEquals(5, history.size());
    expect(history.get("h1"), "completed", null, t0, t0.plusSeconds(4));
    expect(history.get("h2"), "rejected", Transfer.INSUFFICIENT_FUNDS, t0.plusSeconds(2), t0.plusSeconds(5));
    expect(history.get("h3"), "rejected", Transfer.INSUFFICIENT_FUNDS, t0.plusSeconds(6), t0.plusSeconds(7));
    expect(history.get("h4"), "crediting", null, t0.plusSeconds(8), t0.plusSeconds(9));
    expect(history.get("h5"), "completed", null, t0.plusSeconds(10), t0.plusSeconds(12));
    assertEquals(List.of(40L, 40L, 40L, 40L, 40L), history.values().stream().map(Ledger.HistoryEntry::amount).toList());
    // h1 and h5 were left under way by one batch and finished by a later one; h2 to h4 were new in theirs
    assertEquals(Map.of("h4", t0.plusSeconds(9)), unfinished(),
        "only the transfer still under way is listed for UnfinishedTransfers, at its last step");
  }

  /** transfer id -> updated_at in transfer_unfinished (the other test's transfer finishes in its transaction). */
  private static Map<String, Instant> unfinished() {
    return jdbc.transaction(connection -> {
      var rows = new HashMap<String, Instant>();
      try (var query = connection.prepareStatement("SELECT transfer_id, updated_at FROM transfer_unfinished")) {
        try (var result = query.executeQuery()) {
          while (result.next()) rows.put(result.getString(1), result.getTimestamp(2).toInstant());
        }
      }
      return rows;
    }).toCompletableFuture().join();
  }

  @Test
  void aStageChangeUpdatesTheHistoryRowInPlace() {
    var t0 = Instant.parse("2026-12-06T10:00:00Z");
    var request = TransferRequest.payment("fay", "gus", 25, "fay");
    // transfer_history's [updates, HOT updates] in the three batches below, from the counts PostgreSQL
    // keeps for this connection (they hold the connection's earlier transactions until it flushes them)
    List<Long> updates = jdbc.transaction(connection -> {
      var before = updateCounts(connection);
      TransferHistory.write(connection, List.of(new Transfer.TransferRequested("hot1", request, t0)));
      TransferHistory.write(connection, List.of(new Transfer.FundsDebited("hot1", t0.plusSeconds(1))));
      TransferHistory.write(connection, List.of(new Transfer.RecipientCredited("hot1", t0.plusSeconds(2)),
          new Transfer.DebitSettled("hot1", t0.plusSeconds(3))));
      var after = updateCounts(connection);
      return List.of(after.get(0) - before.get(0), after.get(1) - before.get(1));
    }).toCompletableFuture().join();
    assertEquals(List.of(2L, 2L), updates,
        "both stage changes are HOT updates: no index of transfer_history covers a column they set");
  }

  private static List<Long> updateCounts(Connection connection) throws SQLException {
    try (var query = connection.prepareStatement("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables"
        + " WHERE schemaname = current_schema() AND relname = 'transfer_history'");
         var result = query.executeQuery()) {
      result.next();
      return List.of(result.getLong(1), result.getLong(2));
    }
  }

  private static void expect(Ledger.HistoryEntry entry, String status, String reason, Instant requestedAt, Instant updatedAt) {
    assertEquals(status, entry.status(), entry.transferId() + " status");
    assertEquals(reason, entry.reason(), entry.transferId() + " reason");
    assertEquals(requestedAt, entry.requestedAt().truncatedTo(ChronoUnit.MILLIS), entry.transferId() + " requested at");
    assertEquals(updatedAt, entry.updatedAt().truncatedTo(ChronoUnit.MILLIS), entry.transferId() + " updated at");
  }
}
