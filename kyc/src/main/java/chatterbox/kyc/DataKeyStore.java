package chatterbox.kyc;

import chatterbox.platform.persistence.BlockingJdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The table {@code kyc_data_key}: one wrapped data key per subject. It is the only mutable state
 * of the KYC service, and it is so on purpose: deleting a subject's row is its erasure, because
 * without the key the ciphertext in the immutable journal can never be decrypted again.
 *
 * <p>A row is never replaced, only created once and deleted once; that is what lets concurrent
 * registrations of one subject agree on its key. All calls run on the blocking JDBC dispatcher.
 */
final class DataKeyStore {

  private static final String UNIQUE_VIOLATION = "23505"; // the same SQLSTATE on PostgreSQL and H2

  private final BlockingJdbc jdbc;

  DataKeyStore(BlockingJdbc jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * The subject's wrapped key; when it has none yet, stores {@code newWrappedKey} and returns it.
   * When two callers race, both get the key of whichever insert committed first.
   */
  CompletionStage<byte[]> findOrCreate(String subjectId, Supplier<byte[]> newWrappedKey) {
    return jdbc.transaction(connection -> {
      var existing = select(connection, subjectId);
      if (existing.isPresent()) return existing.get();
      var wrapped = newWrappedKey.get();
      // A savepoint, because on PostgreSQL a failed statement aborts the whole transaction.
      var beforeInsert = connection.setSavepoint();
      try (var insert = connection.prepareStatement(
          "INSERT INTO kyc_data_key (subject_id, wrapped_key) VALUES (?, ?)")) {
        insert.setString(1, subjectId);
        insert.setBytes(2, wrapped);
        insert.executeUpdate();
        return wrapped;
      } catch (SQLException e) {
        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) throw e;
        connection.rollback(beforeInsert);
        return select(connection, subjectId).orElseThrow(() -> e);
      }
    });
  }

  CompletionStage<Optional<byte[]>> find(String subjectId) {
    return jdbc.transaction(connection -> select(connection, subjectId));
  }

  /** Deletes the subject's key; true when there was one. */
  CompletionStage<Boolean> delete(String subjectId) {
    return jdbc.transaction(connection -> {
      try (var delete = connection.prepareStatement("DELETE FROM kyc_data_key WHERE subject_id = ?")) {
        delete.setString(1, subjectId);
        return delete.executeUpdate() > 0;
      }
    });
  }

  private static Optional<byte[]> select(Connection connection, String subjectId) throws SQLException {
    try (var select = connection.prepareStatement("SELECT wrapped_key FROM kyc_data_key WHERE subject_id = ?")) {
      select.setString(1, subjectId);
      try (var rows = select.executeQuery()) {
        return rows.next() ? Optional.of(rows.getBytes(1)) : Optional.empty();
      }
    }
  }
}
