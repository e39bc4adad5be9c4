package chatterbox.room;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.pubsub.Topic;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import akka.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;
import chatterbox.platform.runtime.ServiceNode;
import chatterbox.testing.OneNodeCluster;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * A node keeps a room's topic while the room runs on it or sessions on it subscribe, and stops the
 * others without ever losing a subscription sent while it decides.
 */
class RoomTopicsTest {

  private static final ActorTestKit testKit = ActorTestKit.create(OneNodeCluster.nodeConfig().withFallback(ConfigFactory.parseString("""
          akka.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout = 2s
          """))
      .withFallback(PersistenceTestKitPlugin.config())
      .withFallback(PersistenceTestKitSnapshotPlugin.config())
      .withFallback(ServiceNode.withServiceDefaults(ConfigFactory.empty())));
  private static final Duration ASK = Duration.ofSeconds(5);
  private static final AtomicInteger number = new AtomicInteger();
  private static RoomTopics topics;

  @BeforeAll
  static void startNode() {
    OneNodeCluster.join(testKit);
    Room.init(testKit.system());
    topics = RoomTopics.get(testKit.system());
  }

  @AfterAll
  static void stopNode() {
    testKit.shutdownTestKit();
  }

  private static String unique(String prefix) {
    return prefix + number.incrementAndGet();
  }

  private static int stopIdle() throws Exception {
    return topics.stopIdleTopics(ASK).toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  private static Room.Event entry(String room) {
    return new Room.MemberJoined(room, 1, "amani", Instant.parse("2026-12-07T00:00:00Z"));
  }

  @Test
  void onlyTopicsWithNeitherARoomEntityNorASubscriberHereAreStopped() throws Exception {
    stopIdle(); // what other tests left
    var subscribed = unique("subscribed-");
    var published = unique("published-");
    var wasPublished = unique("was-published-");
    var subscriberGone = unique("subscriber-gone-");
    var subscriber = testKit.createTestProbe(Room.Event.class);
    topics.subscribe(subscribed, subscriber.ref());
    topics.startPublishing(published);
    topics.startPublishing(wasPublished);
    topics.stopPublishing(wasPublished);
    var leaving = testKit.createTestProbe(Room.Event.class);
    topics.subscribe(subscriberGone, leaving.ref());
    leaving.stop();
    var watcher = testKit.createTestProbe();
    var wasPublishedTopic = topics.existingTopic(wasPublished);
    var subscriberGoneTopic = topics.existingTopic(subscriberGone);
    int before = topics.roomTopicCount();

    // The topic notices its subscriber's end a moment after the probe stops.
    watcher.awaitAssert(ASK, () -> {
      stopIdleQuietly();
      assertNull(topics.existingTopic(subscriberGone));
      return null;
    });
    assertNull(topics.existingTopic(wasPublished));
    assertEquals(before - 2, topics.roomTopicCount());
    watcher.expectTerminated(wasPublishedTopic, ASK);
    watcher.expectTerminated(subscriberGoneTopic, ASK);

    // The kept ones still deliver; a room used again gets a new topic, which delivers too.
    topics.startPublishing(subscribed).tell(Topic.publish(entry(subscribed)));
    subscriber.expectMessage(entry(subscribed));
    var again = testKit.createTestProbe(Room.Event.class);
    topics.subscribe(wasPublished, again.ref());
    assertNotSame(wasPublishedTopic, topics.existingTopic(wasPublished));
    topics.startPublishing(wasPublished).tell(Topic.publish(entry(wasPublished)));
    again.expectMessage(entry(wasPublished));
    assertSame(topics.existingTopic(published), topics.startPublishing(published), "a running room's topic is kept");
  }

  @Test
  void aRoomEntityKeepsItsTopicUntilItPassivates() throws Exception {
    var service = new RoomService(testKit.system(), ASK, PersistenceQuery.get(testKit.system())
        .getReadJournalFor(PersistenceTestKitReadJournal.class, PersistenceTestKitReadJournal.Identifier()));
    var room = unique("quiet-");
    service.info(room).toCompletableFuture().get(15, TimeUnit.SECONDS); // wakes the room entity
    var topic = topics.existingTopic(room);
    stopIdle();
    assertSame(topic, topics.existingTopic(room), "kept while the room runs here, with no session subscribed");

    // The room passivates after 2 s idle; its topic goes at the next sweep after that.
    var watcher = testKit.createTestProbe();
    watcher.awaitAssert(Duration.ofSeconds(15), () -> {
      stopIdleQuietly();
      assertNull(topics.existingTopic(room));
      return null;
    });
    watcher.expectTerminated(topic, ASK);
  }

  @Test
  void aSubscriptionSentWhileTheTopicIsCheckedKeepsIt() throws Exception {
    for (int i = 0; i < 20; i++) {
      var room = unique("raced-");
      var first = testKit.createTestProbe(Room.Event.class);
      topics.subscribe(room, first.ref());
      topics.unsubscribe(room, first.ref());

      // The check goes out, then a session subscribes before the topic's answer is acted on.
      var sweep = topics.stopIdleTopics(ASK);
      var session = testKit.createTestProbe(Room.Event.class);
      topics.subscribe(room, session.ref());
      sweep.toCompletableFuture().get(15, TimeUnit.SECONDS);

      topics.startPublishing(room).tell(Topic.publish(entry(room)));
      session.expectMessage(entry(room));
      topics.stopPublishing(room);
    }
  }

  private static void stopIdleQuietly() {
    try {
      stopIdle();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
