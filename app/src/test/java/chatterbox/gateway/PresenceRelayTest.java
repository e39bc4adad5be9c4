package chatterbox.gateway;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A presence change reaches the node's sessions that watch that user, and no other. */
class PresenceRelayTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final String READY_CHECK = "ready-check";

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Presence.Changed online(String username) {
    return new Presence.Changed(username, true);
  }

  /** The session's next presence change, past any repeats of the set-up's check. */
  private static void expectChange(TestProbe<Session.Command> session, String username) {
    var message = session.expectMessageClass(Session.PresenceChanged.class);
    while (message.change().username().equals(READY_CHECK)) message = session.expectMessageClass(Session.PresenceChanged.class);
    assertEquals(username, message.change().username());
  }

  /** A node's presence topic and its relay. */
  private record Node(ActorRef<Topic.Command<Presence.Changed>> topic, ActorRef<PresenceRelay.Command> relay) {
    void watch(TestProbe<Session.Command> session, String... usernames) {
      relay.tell(new PresenceRelay.Watch(session.ref(), Set.of(usernames)));
    }

    void watchOne(TestProbe<Session.Command> session, String username, boolean shown) {
      relay.tell(new PresenceRelay.WatchOne(session.ref(), username, shown));
    }

    void publishOnline(String username) {
      topic.tell(Topic.publish(online(username)));
    }
  }

  /** A relay subscribed to a fresh topic, once the subscription is in effect (checked through {@code first}). */
  private static Node node(TestProbe<Session.Command> first) {
    var topic = testKit.spawn(Topic.create(Presence.Changed.class, "presence-" + UUID.randomUUID()));
    var node = new Node(topic, testKit.spawn(PresenceRelay.create(topic)));
    node.watch(first, READY_CHECK);
    // The topic takes the subscription asynchronously: publish until it arrives.
    first.awaitAssert(Duration.ofSeconds(5), Duration.ofMillis(100), () -> {
      node.publishOnline(READY_CHECK);
      return first.expectMessageClass(Session.PresenceChanged.class, Duration.ofMillis(90));
    });
    return node;
  }

  @Test
  void aChangeGoesOnlyToTheSessionsThatWatchItsUser() {
    var s1 = testKit.<Session.Command>createTestProbe();
    var s2 = testKit.<Session.Command>createTestProbe();
    var node = node(s1);
    node.watch(s1, "amani", "baraka");
    node.watch(s2, "baraka");

    node.publishOnline("amani");
    node.publishOnline("baraka");
    expectChange(s1, "amani");
    expectChange(s1, "baraka");
    expectChange(s2, "baraka"); // its first message: amani's change, published before, never came

    // A new watch replaces the old one: s1 no longer watches amani, s2 watches nobody.
    node.watch(s1, "baraka", "chausiku");
    node.watch(s2);
    node.publishOnline("amani");
    node.publishOnline("baraka");
    node.publishOnline("chausiku");
    expectChange(s1, "baraka");
    expectChange(s1, "chausiku");
    s2.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void oneNameMoreOrLessChangesOnlyThatName() {
    var s1 = testKit.<Session.Command>createTestProbe();
    var s2 = testKit.<Session.Command>createTestProbe();
    var node = node(s1);
    node.watch(s1, "amani", "chausiku");
    node.watchOne(s1, "baraka", true);
    node.watchOne(s1, "amani", false);
    node.watchOne(s2, "amani", true); // a session that had watched nobody
    node.publishOnline("amani");
    node.publishOnline("baraka");
    node.publishOnline("chausiku");
    expectChange(s1, "baraka"); // amani's change, published first, did not come
    expectChange(s1, "chausiku");
    expectChange(s2, "amani");
    s2.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aSessionThatStoppedIsForgotten() {
    var watcher = testKit.<Session.Command>createTestProbe();
    var leaving = testKit.<Session.Command>createTestProbe();
    var node = node(watcher);
    node.watch(leaving, "amani");
    node.watch(watcher, "amani");
    node.publishOnline("amani");
    expectChange(leaving, "amani");
    expectChange(watcher, "amani");

    leaving.stop();
    node.watch(watcher, "baraka");
    node.publishOnline("baraka");
    expectChange(watcher, "baraka");
    // Once the relay has seen the stop, amani's changes go to nobody (before, to the stopped session's dead letters).
    var deadLetters = testKit.createDeadLetterProbe();
    deadLetters.awaitAssert(Duration.ofSeconds(5), Duration.ofMillis(50), () -> {
      node.publishOnline("amani");
      deadLetters.expectNoMessage(Duration.ofMillis(100));
      return null;
    });
  }
}
