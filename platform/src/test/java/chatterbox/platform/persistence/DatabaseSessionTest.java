package chatterbox.platform.persistence;

import chatterbox.platform.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every connection ends a transaction left open too long, so a frozen node cannot commit a journal
 * row after the read side has given up waiting for its ordering gap.
 */
class DatabaseSessionTest {

  private static final Database database = TestPostgres.freshDatabase("session");

  @AfterAll
  static void drop() {
    TestPostgres.drop(database);
  }

  @Test
  void connectionsUseTheServiceSchemaAndLimitOpenTransactions() throws Exception {
    try (var connection = DriverManager.getConnection(database.connectionUrl(), database.user(), database.password());
         var rows = connection.createStatement().executeQuery("SHOW idle_in_transaction_session_timeout")) {
      rows.next();
      assertEquals(Database.IDLE_IN_TRANSACTION_LIMIT_MS / 1000 + "s", rows.getString(1));
    }
  }

  @Test
  void aTransactionLeftOpenPastTheLimitIsEndedByPostgres() throws Exception {
    var url = database.connectionUrl().replace("idle_in_transaction_session_timeout%3D" + Database.IDLE_IN_TRANSACTION_LIMIT_MS,
        "idle_in_transaction_session_timeout%3D300");
    try (var connection = DriverManager.getConnection(url, database.user(), database.password())) {
      connection.setAutoCommit(false);
      connection.createStatement().execute("SELECT 1");
      Thread.sleep(1_000); // the test thread idles inside the transaction, as a frozen node would
      assertThrows(SQLException.class, connection::commit);
    }
  }
}
