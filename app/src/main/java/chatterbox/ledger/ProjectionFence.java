package chatterbox.ledger;

import akka.projection.ProjectionId;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Keeps a read model exactly-once when two instances of its projection run at once. The cluster
 * runs one instance, but a node that was frozen (SIGSTOP, a long GC pause) and then thaws keeps
 * running its old instance for seconds before it learns it was downed, while the survivors already
 * run a new one: both read the same events, and a batch applied by each would count its deltas
 * twice (BankTest found the wallet books off by a settled hold). Akka Projections stores the offset
 * in the batch's transaction but overwrites it without looking, so each batch also records its last
 * offset in {@code read_model_fence}, locking that row, and goes on only if no instance has applied
 * anything from this batch on: the second instance waits for the first to commit, then finds its
 * batch taken and fails it; it restarts from the stored offset.
 */
final class ProjectionFence {

  private ProjectionFence() {}

  /** Thrown when another instance already applied events of the batch; nothing of it is written. */
  static final class BatchAlreadyApplied extends IllegalStateException {
    BatchAlreadyApplied(ProjectionId projection, long applied, long firstOfBatch) {
      super("projection " + projection.id() + " has applied up to offset " + applied + ", past this batch's first event ("
          + firstOfBatch + "): another instance applied it; this one restarts from the stored offset");
    }
  }

  /**
   * Claims the batch of offsets {@code first} to {@code last} for this instance, in the transaction
   * of {@code connection} (the row stays locked until it ends), or fails if any of it was applied.
   */
  static void claim(Connection connection, ProjectionId projection, long first, long last) throws SQLException {
    try (var select = connection.prepareStatement(
        "SELECT last_offset FROM read_model_fence WHERE projection_id = ? FOR UPDATE")) {
      select.setString(1, projection.id());
      try (var row = select.executeQuery()) {
        if (row.next()) {
          long applied = row.getLong(1);
          if (applied >= first) throw new BatchAlreadyApplied(projection, applied, first);
          update(connection, "UPDATE read_model_fence SET last_offset = ? WHERE projection_id = ?", last, projection);
        } else {
          // The first batch (or the first since this table came): two instances both inserting
          // collide on the primary key, and the loser's batch fails.
          update(connection, "INSERT INTO read_model_fence (last_offset, projection_id) VALUES (?, ?)", last, projection);
        }
      }
    }
  }

  private static void update(Connection connection, String sql, long last, ProjectionId projection) throws SQLException {
    try (var statement = connection.prepareStatement(sql)) {
      statement.setLong(1, last);
      statement.setString(2, projection.id());
      statement.executeUpdate();
    }
  }
}
