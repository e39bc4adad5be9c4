package chatterbox.ledger;

import chatterbox.transfer.Transfer;
import chatterbox.transfer.TransferStatus.Stage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Predicate;

/**
 * The {@code transfer_history} read model: one row per transfer with its latest stage, and
 * {@code transfer_unfinished}: a row for each transfer under way, with the time of its last step.
 *
 * <p>A batch of events becomes one statement per transfer and table it touches: an insert, already
 * at the latest stage, for a transfer requested in this batch, else an update to its latest stage;
 * in {@code transfer_unfinished} an insert, an update or a delete as the batch leaves the transfer.
 * A transfer's events arrive in one batch or two (a third of transfers in one, under load), so a
 * transfer costs an insert and at most an update or two instead of an insert and three or four
 * updates. Each kind goes as one JDBC batch. No index of {@code transfer_history} covers a column a
 * stage change sets, so on PostgreSQL an update can be HOT: where the page has room (the table's
 * fillfactor leaves it) the row changes on its page and no index grows.
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

    boolean isNew() {
      return requested != null;
    }

    boolean isFinished() {
      return stage == Stage.COMPLETED || stage == Stage.REJECTED;
    }
  }

  /** Binds one row's values to a batched statement. */
  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement statement, String transferId, Row row) throws SQLException;
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
    execute(connection, rows, Row::isNew,
        "INSERT INTO transfer_history (transfer_id, kind, sender, recipient, amount, status, reason, requested_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (insert, transferId, row) -> {
          var request = row.requested.request();
          insert.setString(1, transferId);
          insert.setString(2, request.kind().name());
          insert.setString(3, request.from());
          insert.setString(4, request.to());
          insert.setLong(5, request.amount());
          insert.setString(6, stageName(row.stage));
          insert.setString(7, row.reason);
          insert.setTimestamp(8, Timestamp.from(row.requested.at()));
          insert.setTimestamp(9, Timestamp.from(row.at));
        });
    execute(connection, rows, row -> !row.isNew(),
        "UPDATE transfer_history SET status = ?, reason = ?, updated_at = ? WHERE transfer_id = ?",
        (update, transferId, row) -> {
          update.setString(1, stageName(row.stage));
          update.setString(2, row.reason);
          update.setTimestamp(3, Timestamp.from(row.at));
          update.setString(4, transferId);
        });
    // transfer_unfinished holds a transfer from the batch that leaves it under way to the one that finishes it.
    execute(connection, rows, row -> row.isNew() && !row.isFinished(),
        "INSERT INTO transfer_unfinished (updated_at, transfer_id) VALUES (?, ?)", TransferHistory::bindStep);
    execute(connection, rows, row -> !row.isNew() && !row.isFinished(),
        "UPDATE transfer_unfinished SET updated_at = ? WHERE transfer_id = ?", TransferHistory::bindStep);
    execute(connection, rows, row -> !row.isNew() && row.isFinished(),
        "DELETE FROM transfer_unfinished WHERE transfer_id = ?",
        (delete, transferId, row) -> delete.setString(1, transferId));
  }

  public static String stageName(Stage stage) {
    return stage.name().toLowerCase();
  }

  private static void bindStep(PreparedStatement statement, String transferId, Row row) throws SQLException {
    statement.setTimestamp(1, Timestamp.from(row.at));
    statement.setString(2, transferId);
  }

  /** One JDBC batch of {@code sql}, a row each for the transfers {@code which} selects; none if it selects none. */
  private static void execute(Connection connection, LinkedHashMap<String, Row> rows, Predicate<Row> which, String sql,
                              Binder binder) throws SQLException {
    if (rows.values().stream().noneMatch(which)) return;
    try (var statement = connection.prepareStatement(sql)) {
      for (var entry : rows.entrySet()) {
        if (!which.test(entry.getValue())) continue;
        binder.bind(statement, entry.getKey(), entry.getValue());
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }
}
