package chatterbox.ledger;

import chatterbox.transfer.Transfer;
import chatterbox.transfer.TransferStatus.Stage;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The {@code transfer_history} read model: one row per transfer with its latest stage.
 *
 * <p>A batch of events becomes one statement per transfer it touches: an insert, already at the
 * latest stage, for a transfer requested in this batch, else an update to its latest stage. A
 * transfer's events usually arrive in one batch, so most transfers cost one insert instead of an
 * insert and three or four updates. Both kinds go as JDBC batches.
 */
public final class TransferHistory {

  public static final String PROJECTION = "transfer-history";

  private TransferHistory() {}

  /** A transfer's row as the batch leaves it; {@code requested} is set when the batch holds its request. */
  private static final class Row {
    Transfer.TransferRequested requested;
    Stage stage;
    String reason;
    Instant at;
  }

  static void write(Connection connection, List<Transfer.Event> events) throws SQLException {
    var rows = new LinkedHashMap<String, Row>(); // in the order the transfers first appear
    for (var event : events) {
      var row = rows.computeIfAbsent(event.transferId(), id -> new Row());
      row.at = event.at();
      if (event instanceof Transfer.TransferRequested requested) {
        row.requested = requested;
        row.stage = Stage.DEBITING;
      } else if (event instanceof Transfer.FundsDebited) {
        row.stage = Stage.CREDITING;
      } else if (event instanceof Transfer.TransferCompleted) {
        row.stage = Stage.COMPLETED;
      } else if (event instanceof Transfer.RecipientCredited) {
        row.stage = Stage.SETTLING;
      } else if (event instanceof Transfer.DebitSettled) {
        row.stage = Stage.COMPLETED;
      } else if (event instanceof Transfer.TransferRejected rejected) {
        row.stage = Stage.REJECTED;
        row.reason = rejected.reason();
      }
    }
    insertRequested(connection, rows);
    updateOthers(connection, rows);
  }

  public static String stageName(Stage stage) {
    return stage.name().toLowerCase();
  }

  private static void insertRequested(Connection connection, LinkedHashMap<String, Row> rows) throws SQLException {
    try (var insert = connection.prepareStatement(
        "INSERT INTO transfer_history (transfer_id, kind, sender, recipient, amount, status, reason, requested_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      boolean any = false;
      for (var entry : rows.entrySet()) {
        var row = entry.getValue();
        if (row.requested == null) continue;
        var request = row.requested.request();
        insert.setString(1, entry.getKey());
        insert.setString(2, request.kind().name());
        insert.setString(3, request.from());
        insert.setString(4, request.to());
        insert.setLong(5, request.amount());
        insert.setString(6, stageName(row.stage));
        insert.setString(7, row.reason);
        insert.setTimestamp(8, Timestamp.from(row.requested.at()));
        insert.setTimestamp(9, Timestamp.from(row.at));
        insert.addBatch();
        any = true;
      }
      if (any) insert.executeBatch();
    }
  }

  private static void updateOthers(Connection connection, LinkedHashMap<String, Row> rows) throws SQLException {
    try (var update = connection.prepareStatement(
        "UPDATE transfer_history SET status = ?, reason = ?, updated_at = ? WHERE transfer_id = ?")) {
      boolean any = false;
      for (var entry : rows.entrySet()) {
        var row = entry.getValue();
        if (row.requested != null) continue;
        update.setString(1, stageName(row.stage));
        update.setString(2, row.reason);
        update.setTimestamp(3, Timestamp.from(row.at));
        update.setString(4, entry.getKey());
        update.addBatch();
        any = true;
      }
      if (any) update.executeBatch();
    }
  }
}
