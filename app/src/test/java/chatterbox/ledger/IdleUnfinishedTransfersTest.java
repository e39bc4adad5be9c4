package chatterbox.ledger;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import chatterbox.platform.persistence.BlockingJdbc;
import chatterbox.platform.persistence.Database;
import chatterbox.platform.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import chatterbox.transfer.Transfer;
import chatterbox.transfer.TransferRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The books' query behind UnfinishedTransfers, on PostgreSQL with the app's schema. */
class IdleUnfinishedTransfersTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static Database database;
  private static BlockingJdbc jdbc;

  @BeforeAll
  static void schema() {
    database = TestPostgres.freshDatabase("ledger");
    database.migrate("db/app");
    jdbc = BlockingJdbc.create(testKit.system(), database, "ledger-test");
  }

  @AfterAll
  static void drop() {
    testKit.shutdownTestKit();
    TestPostgres.drop(database);
  }

  /** A transfer as the projection writes it: requested, then {@code laterEvent} (if any), {@code ago}. */
  private static void transfer(String transferId, Duration ago, Function<Instant, Transfer.Event> laterEvent) {
    var at = Instant.now().minus(ago);
    jdbc.transaction(connection -> {
      TransferHistory.write(connection,
          List.of(new Transfer.TransferRequested(transferId, TransferRequest.payment("ann", "bo", 100, "ann"), at)));
      if (laterEvent != null) TransferHistory.write(connection, List.of(laterEvent.apply(at)));
      return null;
    }).toCompletableFuture().join();
  }

  @Test
  void listsOnlyUnfinishedTransfersIdleLongerThanAskedOldestFirst() {
    transfer("done", Duration.ofMinutes(9), at -> new Transfer.TransferCompleted("done", at));
    transfer("done-before", Duration.ofMinutes(9), at -> new Transfer.DebitSettled("done-before", at));
    transfer("refused", Duration.ofMinutes(9), at -> new Transfer.TransferRejected("refused", "insufficient funds", at));
    transfer("crediting-old", Duration.ofMinutes(8), at -> new Transfer.FundsDebited("crediting-old", at));
    transfer("debiting-older", Duration.ofMinutes(9), null);
    transfer("settling-old", Duration.ofMinutes(7), at -> new Transfer.RecipientCredited("settling-old", at));
    transfer("debiting-now", Duration.ofSeconds(1), null);

    var ledger = new Ledger(jdbc);
    assertEquals(List.of("debiting-older", "crediting-old", "settling-old"),
        ledger.idleUnfinishedTransfers(Duration.ofSeconds(30), 10).toCompletableFuture().join());
    assertEquals(List.of("debiting-older", "crediting-old"),
        ledger.idleUnfinishedTransfers(Duration.ofSeconds(30), 2).toCompletableFuture().join(), "at most the limit");
  }
}
