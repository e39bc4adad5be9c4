package chatterbox.ledger;

import chatterbox.wallet.Wallet;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** The {@code wallet_balance} read model: each wallet's balance and held money, from its events. */
public final class WalletBalances {

  public static final String PROJECTION = "wallet-balances";

  private WalletBalances() {}

  static void write(Connection connection, Wallet.Event event) throws SQLException {
    if (event instanceof Wallet.FundsHeld held) {
      change(connection, held.walletId(), -held.amount(), held.amount());
    } else if (event instanceof Wallet.FundsCredited credited) {
      change(connection, credited.walletId(), credited.amount(), 0);
    } else if (event instanceof Wallet.HoldSettled settled) {
      change(connection, settled.walletId(), 0, -settled.amount());
    } else if (event instanceof Wallet.HoldRefunded refunded) {
      change(connection, refunded.walletId(), refunded.amount(), -refunded.amount());
    } // DebitRefused, NothingHeld: nothing moved
  }

  /** Adds the deltas to the wallet's row, creating it on the wallet's first event (portable SQL). */
  private static void change(Connection connection, String walletId, long balanceDelta, long heldDelta) throws SQLException {
    var now = Timestamp.from(Instant.now());
    try (var update = connection.prepareStatement(
        "UPDATE wallet_balance SET balance = balance + ?, held = held + ?, updated_at = ? WHERE wallet_id = ?")) {
      update.setLong(1, balanceDelta);
      update.setLong(2, heldDelta);
      update.setTimestamp(3, now);
      update.setString(4, walletId);
      if (update.executeUpdate() > 0) return;
    }
    try (var insert = connection.prepareStatement(
        "INSERT INTO wallet_balance (wallet_id, balance, held, updated_at) VALUES (?, ?, ?, ?)")) {
      insert.setString(1, walletId);
      insert.setLong(2, balanceDelta);
      insert.setLong(3, heldDelta);
      insert.setTimestamp(4, now);
      insert.executeUpdate();
    }
  }
}
