package chatterbox.transfer;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnfinishedTransfersTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final UnfinishedTransfers.Settings SETTINGS =
      new UnfinishedTransfers.Settings(Duration.ofMillis(100), Duration.ofSeconds(10), 50);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** Books that answer each look with the next of {@code answers} (the last one again after that). */
  private record ScriptedBooks(List<CompletionStage<List<String>>> answers, ConcurrentLinkedQueue<String> asked)
      implements UnfinishedTransfers.Books {
    @Override
    public synchronized CompletionStage<List<String>> idleUnfinished(Duration idleFor, int limit) {
      asked.add(idleFor + "/" + limit);
      return answers.size() > 1 ? answers.remove(0) : answers.get(0);
    }
  }

  @Test
  void wakesEveryTransferTheBooksShowUnfinishedAndKeepsLookingAfterAFailure() {
    var answers = new ArrayList<CompletionStage<List<String>>>(List.of(
        CompletableFuture.completedFuture(List.of("t-1", "t-2")),
        CompletableFuture.failedFuture(new IllegalStateException("database restarting")),
        CompletableFuture.completedFuture(List.of("t-3")),
        CompletableFuture.completedFuture(List.of())));
    var books = new ScriptedBooks(answers, new ConcurrentLinkedQueue<>());
    var woken = testKit.<String>createTestProbe();
    testKit.spawn(UnfinishedTransfers.create(books, woken.ref()::tell, SETTINGS));

    assertEquals("t-1", woken.receiveMessage());
    assertEquals("t-2", woken.receiveMessage());
    assertEquals("t-3", woken.receiveMessage(), "a failed look is followed by the next one");
    woken.expectNoMessage(Duration.ofMillis(400)); // nothing unfinished any more: nothing woken
    assertTrue(books.asked().stream().allMatch("PT10S/50"::equals), "asks for transfers idle for idle-for, at most batch");
  }

  @Test
  void neverHasTwoLooksUnderWayAtOnce() {
    var slow = new CompletableFuture<List<String>>();
    var books = new ScriptedBooks(new ArrayList<>(List.of(slow)), new ConcurrentLinkedQueue<>());
    TestProbe<String> woken = testKit.createTestProbe();
    testKit.spawn(UnfinishedTransfers.create(books, woken.ref()::tell, SETTINGS));

    woken.expectNoMessage(Duration.ofMillis(500)); // five ticks pass while the first look hangs
    assertEquals(1, books.asked().size(), "the ticks during a look start no other");
    slow.complete(List.of("t-9"));
    assertEquals("t-9", woken.receiveMessage());
  }
}
