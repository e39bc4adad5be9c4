package chatterbox.gateway;

import akka.actor.Cancellable;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One presence group on its own: several users' sessions in one entity, what it publishes and
 * answers, and its expiry. (Presence over real sessions runs in {@code GatewayTest}.)
 */
class PresenceTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final AtomicInteger topics = new AtomicInteger();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** A presence topic with a probe subscribed, and a group publishing on it. */
  private record Group(ActorRef<Presence.Command> group, TestProbe<Presence.Changed> changes) {
    Set<String> whoIsOnline(String... users) {
      var answer = testKit.<Presence.OnlineUsers>createTestProbe();
      group.tell(new Presence.WhoIsOnline(List.of(users), answer.getRef()));
      return answer.receiveMessage().online();
    }
  }

  private static Group group(Duration expiry) {
    var topic = testKit.spawn(Topic.create(Presence.Changed.class, "presence-test-" + topics.incrementAndGet()));
    var changes = testKit.<Presence.Changed>createTestProbe();
    topic.tell(Topic.subscribe(changes.getRef()));
    var stats = testKit.<Topic.TopicStats>createTestProbe();
    changes.awaitAssert(() -> {
      topic.tell(Topic.getTopicStats(stats.getRef()));
      assertEquals(1, stats.receiveMessage().localSubscriberCount(), "subscribed");
      return null;
    });
    return new Group(testKit.spawn(Presence.create(expiry, topic)), changes);
  }

  @Test
  void eachUserOfAGroupIsOnlineWhileOneOfTheirSessionsIsAndEachChangeIsPublishedOnce() {
    var presence = group(Duration.ofMinutes(1));
    presence.group().tell(new Presence.Beat("amani", "a1"));
    presence.changes().expectMessage(new Presence.Changed("amani", true));
    presence.group().tell(new Presence.Beat("amani", "a2"));
    presence.group().tell(new Presence.Beat("baraka", "b1"));
    presence.changes().expectMessage(new Presence.Changed("baraka", true)); // amani's second session changed nothing
    assertEquals(Set.of("amani", "baraka"), presence.whoIsOnline("amani", "baraka", "chausiku"));

    presence.group().tell(new Presence.Gone("amani", "a1"));
    presence.group().tell(new Presence.Gone("baraka", "no-such-session"));
    assertEquals(Set.of("amani", "baraka"), presence.whoIsOnline("amani", "baraka"));
    presence.changes().expectNoMessage(Duration.ofMillis(200));

    presence.group().tell(new Presence.Gone("amani", "a2"));
    presence.changes().expectMessage(new Presence.Changed("amani", false));
    assertEquals(Set.of("baraka"), presence.whoIsOnline("amani", "baraka"));
    presence.group().tell(new Presence.Beat("amani", "a3"));
    presence.changes().expectMessage(new Presence.Changed("amani", true));
  }

  @Test
  void aSessionThatStopsBeatingExpiresWithoutTakingTheOtherUsersOfItsGroup() {
    var expiry = Duration.ofSeconds(1); // ten beats of the other user within it: room for a loaded machine
    var presence = group(expiry);
    presence.group().tell(new Presence.Beat("amani", "a1"));
    presence.group().tell(new Presence.Beat("baraka", "b1"));
    presence.changes().expectMessage(new Presence.Changed("amani", true));
    presence.changes().expectMessage(new Presence.Changed("baraka", true));
    // baraka keeps beating, amani has gone silent
    Cancellable beats = testKit.system().scheduler().scheduleAtFixedRate(Duration.ofMillis(100), Duration.ofMillis(100),
        () -> presence.group().tell(new Presence.Beat("baraka", "b1")), testKit.system().executionContext());
    try {
      presence.changes().expectMessage(expiry.multipliedBy(4), new Presence.Changed("amani", false));
      presence.changes().expectNoMessage(expiry.multipliedBy(2));
      assertEquals(Set.of("baraka"), presence.whoIsOnline("amani", "baraka"));
    } finally {
      beats.cancel();
    }
    presence.changes().expectMessage(expiry.multipliedBy(4), new Presence.Changed("baraka", false));
  }

  @Test
  void aUsersGroupIsTheSameOnEveryNodeAndTheGroupsShareTheUsersOut() {
    // Nodes of two versions meet in a rolling deploy: the mapping is pinned, not only stable.
    assertEquals("488", Presence.groupOf("amani", 1000));
    var perGroup = new HashMap<String, Integer>();
    var random = new Random(6);
    for (int i = 0; i < 100_000; i++) {
      var name = new StringBuilder();
      for (int length = 3 + random.nextInt(10); name.length() < length; ) name.append((char) ('a' + random.nextInt(26)));
      perGroup.merge(Presence.groupOf(name.toString(), 1000), 1, Integer::sum);
    }
    assertEquals(1000, perGroup.size(), "every group used");
    assertTrue(perGroup.keySet().stream().mapToInt(Integer::parseInt).allMatch(group -> group >= 0 && group < 1000));
    int fullest = perGroup.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    assertTrue(fullest <= 200, "at most twice the mean of 100 users in a group, was " + fullest);
  }
}
