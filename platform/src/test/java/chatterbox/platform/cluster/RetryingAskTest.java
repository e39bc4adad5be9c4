package chatterbox.platform.cluster;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The entity is a test probe: it decides which attempts are lost, slow or answered. */
class RetryingAskTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  record Question(int id, ActorRef<String> replyTo) {}

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private final TestProbe<Question> entity = testKit.createTestProbe();

  private CompletionStage<String> ask(Duration timeout) {
    return RetryingAsk.ask(entity.ref(), replyTo -> new Question(7, replyTo), timeout, Duration.ofMillis(100),
        testKit.system().scheduler());
  }

  @Test
  void aQuestionLostOnTheWayIsAnsweredThroughTheResend() throws Exception {
    var answer = ask(Duration.ofSeconds(10));
    entity.receiveMessage(); // lost: sent to a node that has gone
    entity.receiveMessage().replyTo().tell("from the new home");
    assertEquals("from the new home", answer.toCompletableFuture().get(5, TimeUnit.SECONDS));
  }

  @Test
  void aLateAnswerToAnEarlierAttemptIsAsGoodAsAnyOther() throws Exception {
    var answer = ask(Duration.ofSeconds(10));
    var first = entity.receiveMessage();
    var second = entity.receiveMessage();
    assertEquals(7, second.id(), "the same question again");
    first.replyTo().tell("late but right");
    assertEquals("late but right", answer.toCompletableFuture().get(5, TimeUnit.SECONDS));
    // The resend's answer, arriving after, changes nothing. (Told before the assertion it could win
    // the race: each attempt's answer completes the ask from its own future.)
    second.replyTo().tell("too late");
    assertEquals("late but right", answer.toCompletableFuture().get(5, TimeUnit.SECONDS));
  }

  @Test
  void withNoAnswerAtAllItFailsWithTheAskTimeoutAfterResendsThatBackOff() {
    var answer = ask(Duration.ofSeconds(1));
    var failure = assertThrows(ExecutionException.class, () -> answer.toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, failure.getCause());
    // Sent at 0, 0.1, 0.3 and 0.7 s: the next would come after the deadline.
    int sent = 0;
    try {
      while (true) {
        entity.receiveMessage(Duration.ofMillis(300));
        sent++;
      }
    } catch (AssertionError noMore) {
      assertTrue(sent >= 2 && sent <= 4, "sent " + sent + " times");
    }
  }
}
