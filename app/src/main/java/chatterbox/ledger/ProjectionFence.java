package chatterbox.ledger;

import akka.projection.ProjectionId;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Keeps a read model exactly-once when two instances of its projection run at once. The cluster
 * runs one instance, but a node that was frozen (SIGSTOP, a long GC pause) and then thaws keeps
 * running its old instance for seconds before it learns it was downed, while the survivors already
 * run a new one: both read the same events, and a batch applied by each would count its deltas
 * twice (BankTest found the wallet books off by a settled hold). So each batch first locks the
 * projection's offset row, in the transaction that will advance it, and goes on only if no other
 * instance has applied anything from this batch on: the second instance waits for the first to
 * commit, then finds the offset moved past its batch and fails it; it restarts from the stored
 * offset.
 */
final class ProjectionFence {

  private ProjectionFence() {}

  /** Thrown when another instance already applied events of the batch; nothing of it is written. */
  static final class BatchAlreadyApplied extends IllegalStateException {
    BatchAlreadyApplied(ProjectionId projection, long stored, long firstOfBatch) {
      super("projection " + projection.id() + " is at offset " + stored + ", past this batch's first event ("
          + firstOfBatch + "): another instance applied it; this one restarts from the stored offset");
    }
  }

  /**
   * Locks {@code projection}'s offset until the transaction of {@code connection} ends, and fails
   * if the stored offset already covers {@code firstOffsetOfBatch}.
   */
  static void claim(Connection connection, ProjectionId projection, long firstOffsetOfBatch) throws SQLException {
    // Quoted: the table was created with quoted lower-case names, which H2 (the laptop default) keeps.
    try (var select = connection.prepareStatement("SELECT \"current_offset\" FROM \"akka_projection_offset_store\""
        + " WHERE \"projection_name\" = ? AND \"projection_key\" = ? FOR UPDATE")) {
      select.setString(1, projection.name());
      select.setString(2, projection.key());
      try (var row = select.executeQuery()) {
        if (!row.next()) return; // the very first batch: no earlier instance can have run
        long stored = Long.parseLong(row.getString(1));
        if (stored >= firstOffsetOfBatch) throw new BatchAlreadyApplied(projection, stored, firstOffsetOfBatch);
      }
    }
  }
}
