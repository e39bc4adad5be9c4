package chatterbox.ledger;

import akka.actor.typed.ActorSystem;
import chatterbox.platform.persistence.BlockingJdbc;
import chatterbox.transfer.Transfer;
import chatterbox.transfer.TransferStatus.Stage;
import chatterbox.wallet.Wallet;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The books, as read models: per-user transfer history and the double-entry totals. Fed by two
 * projections from the journal, so they trail the entities by a moment; the entities stay the
 * source of truth for every balance a transfer depends on.
 */
public final class Ledger {

  /** One transfer as its participant sees it. */
  public record HistoryEntry(String transferId, String kind, String from, String to, long amount,
                             String status, String reason, Instant requestedAt, Instant updatedAt) {}

  /**
   * Double-entry totals. Money enters only from the treasury (deposits) and leaves only to it
   * (withdrawals), so user wallets + treasury + money between debit and credit is always zero.
   */
  public record Totals(long userWallets, long held, long treasury, long inFlight, long deposited, long withdrawn,
                       long wallets, long transfersUnfinished) {
    public boolean balanced() {
      return userWallets + treasury + inFlight == 0 && userWallets + inFlight == deposited - withdrawn;
    }
  }

  private final BlockingJdbc jdbc;

  Ledger(BlockingJdbc jdbc) { // package-private: tests query the books without running the projections
    this.jdbc = jdbc;
  }

  /** Starts the projections that feed the read models and returns their queries. */
  public static Ledger start(ActorSystem<?> system, BlockingJdbc jdbc) {
    ReadModelProjection.<Transfer.Event>run(system, jdbc.dataSource(), TransferHistory.PROJECTION, Transfer.TAG,
        TransferHistory::write);
    ReadModelProjection.<Wallet.Event>run(system, jdbc.dataSource(), WalletBalances.PROJECTION, Wallet.TAG,
        WalletBalances::write);
    return new Ledger(jdbc);
  }

  /** The transfers {@code username} sent or received, newest first. */
  public CompletionStage<List<HistoryEntry>> history(String username, int limit, int offset) {
    return jdbc.transaction(connection -> {
      try (var query = connection.prepareStatement(
          "SELECT transfer_id, kind, sender, recipient, amount, status, reason, requested_at, updated_at"
              + " FROM transfer_history WHERE sender = ? OR recipient = ?"
              + " ORDER BY requested_at DESC, transfer_id DESC LIMIT ? OFFSET ?")) {
        query.setString(1, username);
        query.setString(2, username);
        query.setInt(3, limit);
        query.setInt(4, offset);
        try (var rows = query.executeQuery()) {
          var entries = new ArrayList<HistoryEntry>();
          while (rows.next()) entries.add(entry(rows));
          return entries;
        }
      }
    });
  }

  /**
   * Up to {@code limit} transfers the books show unfinished whose last step is older than
   * {@code idleFor}, oldest first.
   */
  public CompletionStage<List<String>> idleUnfinishedTransfers(Duration idleFor, int limit) {
    var cutoff = Timestamp.from(Instant.now().minus(idleFor));
    return jdbc.transaction(connection -> {
      try (var query = connection.prepareStatement(
          "SELECT transfer_id FROM transfer_unfinished WHERE updated_at < ? ORDER BY updated_at LIMIT ?")) {
        query.setTimestamp(1, cutoff);
        query.setInt(2, limit);
        try (var rows = query.executeQuery()) {
          var ids = new ArrayList<String>();
          while (rows.next()) ids.add(rows.getString(1));
          return ids;
        }
      }
    });
  }

  public CompletionStage<Totals> totals() {
    return jdbc.transaction(connection -> {
      long users = sum(connection, "SELECT COALESCE(SUM(balance), 0) FROM wallet_balance WHERE wallet_id <> ?", Wallet.TREASURY_ID);
      long held = sum(connection, "SELECT COALESCE(SUM(held), 0) FROM wallet_balance WHERE wallet_id <> ?", Wallet.TREASURY_ID);
      long treasury = sum(connection, "SELECT COALESCE(SUM(balance), 0) FROM wallet_balance WHERE wallet_id = ?", Wallet.TREASURY_ID);
      long wallets = sum(connection, "SELECT COUNT(*) FROM wallet_balance WHERE wallet_id <> ?", Wallet.TREASURY_ID);
      // Money between debit and credit belongs to transfers under way: read through the few of them.
      long inFlight = sum(connection, "SELECT COALESCE(SUM(h.amount), 0) FROM transfer_unfinished u"
              + " JOIN transfer_history h ON h.transfer_id = u.transfer_id WHERE h.status = ?",
          TransferHistory.stageName(Stage.CREDITING));
      long unfinished = sum(connection, "SELECT COUNT(*) FROM transfer_unfinished");
      // A deposit or withdrawal counts once its credit is booked (settling or completed).
      long deposited = sum(connection, "SELECT COALESCE(SUM(amount), 0) FROM transfer_history WHERE kind = 'DEPOSIT' AND status IN (?, ?)",
          TransferHistory.stageName(Stage.SETTLING), TransferHistory.stageName(Stage.COMPLETED));
      long withdrawn = sum(connection, "SELECT COALESCE(SUM(amount), 0) FROM transfer_history WHERE kind = 'WITHDRAWAL' AND status IN (?, ?)",
          TransferHistory.stageName(Stage.SETTLING), TransferHistory.stageName(Stage.COMPLETED));
      return new Totals(users, held, treasury, inFlight, deposited, withdrawn, wallets, unfinished);
    });
  }

  private static long sum(Connection connection, String sql, String... parameters) throws SQLException {
    try (var query = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) query.setString(i + 1, parameters[i]);
      try (var rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static HistoryEntry entry(ResultSet rows) throws SQLException {
    return new HistoryEntry(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
        rows.getLong(5), rows.getString(6), rows.getString(7),
        rows.getTimestamp(8).toInstant(), rows.getTimestamp(9).toInstant());
  }
}
