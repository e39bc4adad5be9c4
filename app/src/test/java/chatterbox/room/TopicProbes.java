package chatterbox.room;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.pubsub.Topic;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Waits for pub/sub to be wired: topic actors learn of each other through the receptionist, later. */
final class TopicProbes {

  private TopicProbes() {}

  /** Until {@code topic} (on {@code node}) knows of at least {@code instances} topic actors with subscribers. */
  static <T> void awaitInstances(ActorTestKit node, ActorRef<Topic.Command<T>> topic, int instances) {
    var stats = node.createTestProbe(Topic.TopicStats.class);
    stats.awaitAssert(Duration.ofSeconds(15), () -> {
      topic.tell(Topic.getTopicStats(stats.ref()));
      var seen = stats.receiveMessage().topicInstanceCount();
      assertTrue(seen >= instances, "topic instances known: " + seen);
      return null;
    });
  }
}
