package chatterbox.ledger;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import chatterbox.platform.persistence.BlockingJdbc;
import chatterbox.platform.persistence.Database;
import chatterbox.transfer.Transfer;
import chatterbox.transfer.TransferRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The books on the embedded database (H2, the default when no PostgreSQL is configured): the app's
 * migrations apply and the read models' statements run there too.
 */
class EmbeddedBooksTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void migrationsApplyAndTheBooksFollowATransferToItsEnd() {
    var database = new Database("jdbc:h2:mem:books;DB_CLOSE_DELAY=-1", "sa", "", "public", 2);
    database.migrate("db/app");
    var jdbc = BlockingJdbc.create(testKit.system(), database, "embedded-books-test");
    var ledger = new Ledger(jdbc);
    var at = Instant.now().minus(Duration.ofMinutes(5));
    batch(jdbc, new Transfer.TransferRequested("e1", TransferRequest.payment("ann", "bo", 30, "ann"), at),
        new Transfer.FundsDebited("e1", at.plusMillis(1)));

    assertEquals(List.of("e1"), ledger.idleUnfinishedTransfers(Duration.ofMinutes(1), 10).toCompletableFuture().join());
    var totals = ledger.totals().toCompletableFuture().join();
    assertEquals(List.of(30L, 1L), List.of(totals.inFlight(), totals.transfersUnfinished()));

    batch(jdbc, new Transfer.RecipientCredited("e1", at.plusMillis(2)), new Transfer.DebitSettled("e1", at.plusMillis(3)));

    assertEquals(List.of(), ledger.idleUnfinishedTransfers(Duration.ofMinutes(1), 10).toCompletableFuture().join());
    assertEquals("completed", ledger.history("bo", 10, 0).toCompletableFuture().join().get(0).status());
  }

  private static void batch(BlockingJdbc jdbc, Transfer.Event... events) {
    jdbc.transaction(connection -> {
      TransferHistory.write(connection, List.of(events));
      return null;
    }).toCompletableFuture().join();
  }
}
