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
 * row after the read side has given up waiting for its ordering gap; the read journal's connections
 * plan each query afresh.
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

  /**
   * The read journal's connections never keep a generic plan: a plan cached while the journal was
   * empty made the tag query scan the whole tag table per row (docs/performance.md, Change 8). The
   * journal's own connections do prepare their statements (the contrast shows the check can fail).
   */
  @Test
  void readJournalConnectionsPlanEveryQueryWithItsValues() throws Exception {
    var config = database.persistenceConfig();
    var readDb = config.getString("jdbc-read-journal.use-shared-db");
    var journalDb = config.getString("jdbc-journal.use-shared-db");
    assertEquals(0, preparedAfterRepeatedQuery(config.getString("akka-persistence-jdbc.shared-databases." + readDb + ".db.url")),
        "statements prepared on a read journal connection");
    assertEquals(1, preparedAfterRepeatedQuery(config.getString("akka-persistence-jdbc.shared-databases." + journalDb + ".db.url")),
        "statements prepared on a journal connection");
  }

  /** How many server-side prepared statements a connection holds after running one query ten times. */
  private static long preparedAfterRepeatedQuery(String url) throws SQLException {
    try (var connection = DriverManager.getConnection(url, database.user(), database.password());
         var query = connection.prepareStatement("SELECT count(*) FROM pg_class WHERE relpages > ?")) {
      for (int i = 0; i < 10; i++) {
        query.setInt(1, i);
        try (var rows = query.executeQuery()) {
          rows.next();
        }
      }
      try (var rows = connection.createStatement().executeQuery("SELECT count(*) FROM pg_prepared_statements")) {
        rows.next();
        return rows.getLong(1);
      }
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
