package chatterbox.ledger;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import chatterbox.platform.persistence.BlockingJdbc;
import chatterbox.platform.persistence.Database;
import chatterbox.platform.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An upgrade from the schema that found unfinished transfers through an index on
 * {@code transfer_history}: the transfers under way at the upgrade are still found afterwards, so
 * UnfinishedTransfers still wakes the ones a lost node stranded.
 */
class UnfinishedTransfersUpgradeTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Database database = TestPostgres.freshDatabase("upgrade");

  @AfterAll
  static void drop() {
    testKit.shutdownTestKit();
    TestPostgres.drop(database);
  }

  @Test
  void transfersUnderWayBeforeTheUpgradeAreStillFoundAfterIt() throws SQLException {
    Flyway.configure()
        .dataSource(database.url(), database.user(), database.password())
        .schemas(database.schema())
        .locations("classpath:db/app/common", "classpath:db/app/postgres")
        .target("3") // the schema before transfer_unfinished
        .load().migrate();
    try (var connection = DriverManager.getConnection(database.connectionUrl(), database.user(), database.password());
         var insert = connection.prepareStatement("INSERT INTO transfer_history"
             + " (transfer_id, kind, sender, recipient, amount, status, reason, requested_at, updated_at)"
             + " VALUES (?, 'PAYMENT', 'ann', 'bo', 10, ?, NULL, now() - ?::interval, now() - ?::interval)")) {
      for (var row : List.of(List.of("old-debiting", "debiting", "9 minutes"), List.of("old-settling", "settling", "8 minutes"),
          List.of("old-completed", "completed", "9 minutes"), List.of("old-rejected", "rejected", "9 minutes"),
          List.of("old-crediting", "crediting", "7 minutes"))) {
        insert.setString(1, row.get(0));
        insert.setString(2, row.get(1));
        insert.setString(3, row.get(2));
        insert.setString(4, row.get(2));
        insert.executeUpdate();
      }
    }

    database.migrate("db/app");

    var ledger = new Ledger(BlockingJdbc.create(testKit.system(), database, "upgrade-test"));
    assertEquals(List.of("old-debiting", "old-settling", "old-crediting"),
        ledger.idleUnfinishedTransfers(Duration.ofMinutes(1), 10).toCompletableFuture().join());
    var totals = ledger.totals().toCompletableFuture().join();
    assertEquals(3, totals.transfersUnfinished());
    assertEquals(10, totals.inFlight(), "the crediting transfer's amount is between debit and credit");
  }
}
