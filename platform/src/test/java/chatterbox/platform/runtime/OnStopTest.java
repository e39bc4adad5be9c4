package chatterbox.platform.runtime;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OnStopTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void theActionRunsOnceWhenTheActorStopsAndNotBefore() {
    var runs = new AtomicInteger();
    var echoes = testKit.<String>createTestProbe();
    Behavior<String> inner = Behaviors.receiveMessage(message -> {
      if (message.equals("stop")) return Behaviors.stopped();
      if (message.equals("fail")) throw new IllegalStateException("failed on purpose");
      echoes.ref().tell(message);
      return Behaviors.same();
    });

    var stopped = testKit.spawn(OnStop.run(String.class, runs::incrementAndGet, inner));
    stopped.tell("hello");
    echoes.expectMessage("hello");
    assertEquals(0, runs.get(), "not while the actor runs");
    stopped.tell("stop");
    echoes.expectTerminated(stopped, Duration.ofSeconds(5));
    echoes.awaitAssert(() -> {
      assertEquals(1, runs.get());
      return null;
    });

    var failed = testKit.spawn(OnStop.run(String.class, runs::incrementAndGet, inner));
    failed.tell("fail");
    echoes.expectTerminated(failed, Duration.ofSeconds(5));
    echoes.awaitAssert(() -> {
      assertEquals(2, runs.get(), "also when it fails");
      return null;
    });
  }
}
