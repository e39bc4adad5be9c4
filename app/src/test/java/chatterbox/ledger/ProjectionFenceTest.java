package chatterbox.ledger;

import akka.projection.ProjectionId;
import chatterbox.platform.persistence.Database;
import chatterbox.platform.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Two instances of one projection on PostgreSQL with the app's schema, as when a thawed node's
 * stale instance runs beside the survivors' new one: each batch is applied by one of them only.
 */
class ProjectionFenceTest {

  private static final AtomicInteger keys = new AtomicInteger();
  private static Database database;
  /** A projection of its own per test, which has applied events 1 to 100. */
  private final ProjectionId projection = ProjectionId.of("wallet-balances", "wallet-" + keys.incrementAndGet());

  @BeforeAll
  static void schema() {
    database = TestPostgres.freshDatabase("fence");
    database.migrate("db/app");
  }

  @BeforeEach
  void appliedUpTo100() throws SQLException {
    try (var connection = connect()) {
      ProjectionFence.claim(connection, projection, 1, 100);
      connection.commit();
    }
  }

  @AfterAll
  static void drop() {
    TestPostgres.drop(database);
  }

  private static Connection connect() throws SQLException {
    var connection = DriverManager.getConnection(database.connectionUrl(), database.user(), database.password());
    connection.setAutoCommit(false);
    return connection;
  }

  @Test
  void aBatchFromBeforeTheStoredOffsetIsRefusedAndTheNextOneGoesOn() throws SQLException {
    try (var connection = connect()) {
      assertThrows(ProjectionFence.BatchAlreadyApplied.class, () -> ProjectionFence.claim(connection, projection, 100, 120));
      connection.rollback();
      assertThrows(ProjectionFence.BatchAlreadyApplied.class, () -> ProjectionFence.claim(connection, projection, 42, 90));
      connection.rollback();
      assertDoesNotThrow(() -> ProjectionFence.claim(connection, projection, 101, 120));
      connection.commit();
      assertThrows(ProjectionFence.BatchAlreadyApplied.class, () -> ProjectionFence.claim(connection, projection, 101, 130),
          "the batch that went on moved the fence");
    }
  }

  @Test
  void theSecondInstanceWaitsForTheFirstAndThenFindsItsBatchTaken() throws Exception {
    try (var first = connect(); var second = connect()) {
      // Both read events 101.. from the journal; the first claims the batch.
      ProjectionFence.claim(first, projection, 101, 150);
      var secondClaim = CompletableFuture.runAsync(() -> {
        try {
          ProjectionFence.claim(second, projection, 101, 150);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      assertThrows(TimeoutException.class, () -> secondClaim.get(1, TimeUnit.SECONDS), "waits for the first's commit");

      first.commit();

      var refused = assertThrows(Exception.class, () -> secondClaim.get(10, TimeUnit.SECONDS));
      assertInstanceOf(ProjectionFence.BatchAlreadyApplied.class, refused.getCause());
      second.rollback();
    }
  }
}
