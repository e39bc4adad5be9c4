package chatterbox.ledger;

import chatterbox.transfer.Transfer;
import chatterbox.transfer.TransferStatus.Stage;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** The {@code transfer_history} read model: one row per transfer with its latest stage. */
public final class TransferHistory {

  public static final String PROJECTION = "transfer-history";

  private TransferHistory() {}

  static void write(Connection connection, Transfer.Event event) throws SQLException {
    if (event instanceof Transfer.TransferRequested requested) {
      var request = requested.request();
      try (var insert = connection.prepareStatement(
          "INSERT INTO transfer_history (transfer_id, kind, sender, recipient, amount, status, requested_at, updated_at)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, requested.transferId());
        insert.setString(2, request.kind().name());
        insert.setString(3, request.from());
        insert.setString(4, request.to());
        insert.setLong(5, request.amount());
        insert.setString(6, stageName(Stage.DEBITING));
        insert.setTimestamp(7, Timestamp.from(requested.at()));
        insert.setTimestamp(8, Timestamp.from(requested.at()));
        insert.executeUpdate();
      }
    } else if (event instanceof Transfer.FundsDebited debited) {
      advance(connection, debited.transferId(), Stage.CREDITING, null, debited.at());
    } else if (event instanceof Transfer.RecipientCredited credited) {
      advance(connection, credited.transferId(), Stage.SETTLING, null, credited.at());
    } else if (event instanceof Transfer.DebitSettled settled) {
      advance(connection, settled.transferId(), Stage.COMPLETED, null, settled.at());
    } else if (event instanceof Transfer.TransferRejected rejected) {
      advance(connection, rejected.transferId(), Stage.REJECTED, rejected.reason(), rejected.at());
    }
  }

  public static String stageName(Stage stage) {
    return stage.name().toLowerCase();
  }

  private static void advance(Connection connection, String transferId, Stage stage, String reason, Instant at)
      throws SQLException {
    try (var update = connection.prepareStatement(
        "UPDATE transfer_history SET status = ?, reason = ?, updated_at = ? WHERE transfer_id = ?")) {
      update.setString(1, stageName(stage));
      update.setString(2, reason);
      update.setTimestamp(3, Timestamp.from(at));
      update.setString(4, transferId);
      update.executeUpdate();
    }
  }
}
