package chatterbox.ledger;

import chatterbox.wallet.Wallet;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code wallet_balance} read model: each wallet's balance and held money, from its events.
 *
 * <p>A batch of events becomes one row change per wallet it touches (the sum of its deltas), sent
 * as one JDBC batch: a busy wallet (the treasury, a shop) gets one update per batch instead of one
 * per event, and the projection keeps up with the journal with a few statements per batch.
 */
public final class WalletBalances {

  public static final String PROJECTION = "wallet-balances";

  private WalletBalances() {}

  /** What a batch changes in one wallet's row. */
  private static final class Delta {
    long balance;
    long held;
  }

  static void write(Connection connection, List<Wallet.Event> events) throws SQLException {
    // Sorted by wallet id: rows are always locked in the same order.
    var deltas = new TreeMap<String, Delta>();
    for (var event : events) {
      if (event instanceof Wallet.FundsDebited debited) {
        add(deltas, debited.walletId(), -debited.amount(), 0);
      } else if (event instanceof Wallet.FundsHeld held) {
        add(deltas, held.walletId(), -held.amount(), held.amount());
      } else if (event instanceof Wallet.FundsCredited credited) {
        add(deltas, credited.walletId(), credited.amount(), 0);
      } else if (event instanceof Wallet.HoldSettled settled) {
        add(deltas, settled.walletId(), 0, -settled.amount());
      } else if (event instanceof Wallet.HoldRefunded refunded) {
        add(deltas, refunded.walletId(), refunded.amount(), -refunded.amount());
      } // DebitRefused, NothingHeld: nothing moved
    }
    if (!deltas.isEmpty()) apply(connection, deltas);
  }

  private static void add(Map<String, Delta> deltas, String walletId, long balance, long held) {
    var delta = deltas.computeIfAbsent(walletId, id -> new Delta());
    delta.balance += balance;
    delta.held += held;
  }

  /** Adds the deltas to the wallets' rows, creating the rows of wallets seen for the first time (portable SQL). */
  private static void apply(Connection connection, TreeMap<String, Delta> deltas) throws SQLException {
    var now = Timestamp.from(Instant.now());
    var walletIds = new ArrayList<>(deltas.keySet());
    int[] updated;
    try (var update = connection.prepareStatement(
        "UPDATE wallet_balance SET balance = balance + ?, held = held + ?, updated_at = ? WHERE wallet_id = ?")) {
      for (var walletId : walletIds) {
        var delta = deltas.get(walletId);
        update.setLong(1, delta.balance);
        update.setLong(2, delta.held);
        update.setTimestamp(3, now);
        update.setString(4, walletId);
        update.addBatch();
      }
      updated = update.executeBatch();
    }
    try (var insert = connection.prepareStatement(
        "INSERT INTO wallet_balance (wallet_id, balance, held, updated_at) VALUES (?, ?, ?, ?)")) {
      boolean any = false;
      for (int i = 0; i < walletIds.size(); i++) {
        if (updated[i] > 0) continue;
        var delta = deltas.get(walletIds.get(i));
        insert.setString(1, walletIds.get(i));
        insert.setLong(2, delta.balance);
        insert.setLong(3, delta.held);
        insert.setTimestamp(4, now);
        insert.addBatch();
        any = true;
      }
      if (any) insert.executeBatch();
    }
  }
}
