package chatterbox.platform.cluster;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A message reaches the relay's subscribers registered for its key, and no other. */
class TopicRelayTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final String READY_CHECK = "ready-check";

  /** What the test topics carry: a note for whoever watches {@code key}. */
  record Note(String key) {}

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** The subscriber's next note, past any repeats of the set-up's check. */
  private static void expectNote(TestProbe<Note> subscriber, String key) {
    var note = subscriber.expectMessageClass(Note.class);
    while (note.key().equals(READY_CHECK)) note = subscriber.expectMessageClass(Note.class);
    assertEquals(key, note.key());
  }

  /** Once the relay has seen a subscriber stop, {@code key}'s notes go to nobody (before, to its dead letters). */
  private static void expectDeliveredToNobody(Node node, String key) {
    var deadLetters = testKit.createDeadLetterProbe();
    deadLetters.awaitAssert(Duration.ofSeconds(5), Duration.ofMillis(50), () -> {
      node.publish(key);
      deadLetters.expectNoMessage(Duration.ofMillis(100));
      return null;
    });
  }

  /** A topic and its relay. */
  private record Node(ActorRef<Topic.Command<Note>> topic, ActorRef<TopicRelay.Command<Note>> relay) {
    void watch(TestProbe<Note> subscriber, String... keys) {
      relay.tell(new TopicRelay.Watch<>(subscriber.ref(), Set.of(keys)));
    }

    void watchOne(TestProbe<Note> subscriber, String key, boolean watched) {
      relay.tell(new TopicRelay.WatchOne<>(subscriber.ref(), key, watched));
    }

    void publish(String key) {
      topic.tell(Topic.publish(new Note(key)));
    }
  }

  /** A relay subscribed to a fresh topic, once the subscription is in effect (checked through {@code first}). */
  private static Node node(TestProbe<Note> first) {
    var topic = testKit.spawn(Topic.create(Note.class, "notes-" + UUID.randomUUID()));
    var node = new Node(topic, testKit.spawn(TopicRelay.create(topic, Note.class, Note::key)));
    node.watch(first, READY_CHECK);
    // The topic takes the subscription asynchronously: publish until it arrives.
    first.awaitAssert(Duration.ofSeconds(5), Duration.ofMillis(100), () -> {
      node.publish(READY_CHECK);
      return first.expectMessageClass(Note.class, Duration.ofMillis(90));
    });
    return node;
  }

  @Test
  void aMessageGoesOnlyToTheSubscribersOfItsKey() {
    var s1 = testKit.<Note>createTestProbe();
    var s2 = testKit.<Note>createTestProbe();
    var node = node(s1);
    node.watch(s1, "amani", "baraka");
    node.watch(s2, "baraka");

    node.publish("amani");
    node.publish("baraka");
    expectNote(s1, "amani");
    expectNote(s1, "baraka");
    expectNote(s2, "baraka"); // its first message: amani's note, published before, never came

    // A new watch replaces the old one: s1 no longer watches amani, s2 watches nothing.
    node.watch(s1, "baraka", "chausiku");
    node.watch(s2);
    node.publish("amani");
    node.publish("baraka");
    node.publish("chausiku");
    expectNote(s1, "baraka");
    expectNote(s1, "chausiku");
    s2.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void oneKeyMoreOrLessChangesOnlyThatKey() {
    var s1 = testKit.<Note>createTestProbe();
    var s2 = testKit.<Note>createTestProbe();
    var node = node(s1);
    node.watch(s1, "amani", "chausiku");
    node.watchOne(s1, "baraka", true);
    node.watchOne(s1, "amani", false);
    node.watchOne(s2, "amani", true); // a subscriber that had watched nothing
    node.publish("amani");
    node.publish("baraka");
    node.publish("chausiku");
    expectNote(s1, "baraka"); // amani's note, published first, did not come
    expectNote(s1, "chausiku");
    expectNote(s2, "amani");
    s2.expectNoMessage(Duration.ofMillis(200));
  }

  /**
   * Sessions register a message adapter, not themselves: the relay must learn of the adapter's end
   * when its actor stops, or it would keep every session a node ever had.
   */
  @Test
  void anAdapterIsForgottenWhenItsActorStops() {
    var node = node(testKit.createTestProbe());
    var received = testKit.<Note>createTestProbe();
    record Wrapped(Note note) {}
    var owner = testKit.spawn(Behaviors.<Wrapped>setup(ctx -> {
      node.relay().tell(new TopicRelay.WatchOne<>(ctx.messageAdapter(Note.class, Wrapped::new), "amani", true));
      return Behaviors.receiveMessage(wrapped -> {
        received.ref().tell(wrapped.note());
        return Behaviors.same();
      });
    }));
    // The owner registers when it starts, which is after spawn returns: publish until it is in effect.
    received.awaitAssert(Duration.ofSeconds(5), Duration.ofMillis(100), () -> {
      node.publish("amani");
      return received.expectMessage(Duration.ofMillis(90), new Note("amani"));
    });

    testKit.stop(owner);
    expectDeliveredToNobody(node, "amani");
  }

  @Test
  void aSubscriberThatStoppedIsForgotten() {
    var watcher = testKit.<Note>createTestProbe();
    var leaving = testKit.<Note>createTestProbe();
    var node = node(watcher);
    node.watch(leaving, "amani");
    node.watch(watcher, "amani");
    node.publish("amani");
    expectNote(leaving, "amani");
    expectNote(watcher, "amani");

    leaving.stop();
    node.watch(watcher, "baraka");
    node.publish("baraka");
    expectNote(watcher, "baraka");
    expectDeliveredToNobody(node, "amani");
  }
}
