package chatterbox.room;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import akka.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;
import chatterbox.platform.cluster.TopicRelay;
import chatterbox.platform.runtime.ServiceNode;
import chatterbox.testing.OneNodeCluster;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * A two-node cluster, both nodes running rooms as the app does: "sessions" subscribe on both
 * nodes, so whichever node hosts the room, one of them is remote from it, and both receive what
 * the room writes through the topics, in seq order; users' notices reach their sessions on either
 * node through each node's relay.
 */
class RoomFanOutTest {

  private static final Config NODE = OneNodeCluster.nodeConfig()
      .withFallback(PersistenceTestKitPlugin.config())
      .withFallback(PersistenceTestKitSnapshotPlugin.config())
      .withFallback(ServiceNode.withServiceDefaults(ConfigFactory.empty()));

  private static final ActorTestKit firstNode = ActorTestKit.create("fanout", NODE);
  private static final ActorTestKit secondNode = ActorTestKit.create("fanout", NODE);
  private static final List<ActorTestKit> nodes = List.of(firstNode, secondNode);

  private static RoomService service;
  private static List<ActorRef<TopicRelay.Command<UserNotice>>> relays;

  @BeforeAll
  static void formCluster() {
    var seed = Cluster.get(firstNode.system()).selfMember().address();
    nodes.forEach(node -> Cluster.get(node.system()).manager().tell(Join.create(seed)));
    firstNode.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
      nodes.forEach(node -> assertEquals(MemberStatus.up(), Cluster.get(node.system()).selfMember().status()));
      return null;
    });
    nodes.forEach(node -> {
      Room.init(node.system());
      UserRooms.init(node.system(), Duration.ofMinutes(2), 100);
    });
    relays = nodes.stream().map(RoomFanOutTest::noticeRelay).toList();
    // As at a node's start: each node's notices topic learns the other's relay before anyone publishes.
    for (var node : nodes) TopicProbes.awaitInstances(node, RoomTopics.get(node.system()).userNotices(), 2);
    service = new RoomService(firstNode.system(), Duration.ofSeconds(10), PersistenceQuery.get(firstNode.system())
        .getReadJournalFor(PersistenceTestKitReadJournal.class, PersistenceTestKitReadJournal.Identifier()));
  }

  @AfterAll
  static void stopNodes() {
    secondNode.shutdownTestKit();
    firstNode.shutdownTestKit();
  }

  /** A node's relay of users' notices, as the gateway runs it. */
  private static ActorRef<TopicRelay.Command<UserNotice>> noticeRelay(ActorTestKit node) {
    var topic = RoomTopics.get(node.system()).userNotices();
    return node.spawn(TopicRelay.create(topic, UserNotice.class, UserNotice::username));
  }

  @Test
  void entriesAndUserNoticesReachSessionsOnEveryNodeInOrder() throws Exception {
    var roomSessions = nodes.stream().map(node -> node.createTestProbe(Room.Event.class)).toList();
    var userSessions = nodes.stream().map(node -> node.createTestProbe(UserNotice.class)).toList();
    for (int i = 0; i < nodes.size(); i++) {
      RoomTopics.get(nodes.get(i).system()).subscribe("far-away", roomSessions.get(i).ref());
      relays.get(i).tell(new TopicRelay.WatchOne<>(userSessions.get(i).ref(), "zawadi", true));
    }
    // Each node's room topic must know of both nodes' subscribers before anything is published.
    for (var node : nodes) TopicProbes.awaitInstances(node, RoomTopics.get(node.system()).existingTopic("far-away"), 2);

    var joined = (Room.Joined) service.join("far-away", "zawadi").toCompletableFuture().get(15, TimeUnit.SECONDS);
    for (int i = 1; i <= 20; i++) {
      service.post("far-away", "zawadi", "line " + i, "n-" + i).toCompletableFuture().get(15, TimeUnit.SECONDS);
    }

    for (var userSession : userSessions) userSession.expectMessage(new UserNotice.RoomJoined("zawadi", joined.info()));
    for (var session : roomSessions) {
      var received = session.receiveSeveralMessages(21);
      assertInstanceOf(Room.MemberJoined.class, received.get(0));
      assertEquals(LongStream.rangeClosed(1, 21).boxed().toList(), received.stream().map(Room.Event::seq).toList());
      assertEquals("line 20", ((Room.MessagePosted) received.get(20)).text());
    }
  }

  /**
   * A node stops a room's topic once neither the room nor a session there uses it; a session that
   * subscribes there later gets a new topic, which the room's node reaches as before.
   */
  @Test
  void aRoomsTopicStoppedOnTheNodeWithoutTheRoomIsStartedAgainAndReached() throws Exception {
    var room = "swept-room";
    service.join(room, "zuhura").toCompletableFuture().get(15, TimeUnit.SECONDS);
    var first = nodes.stream().map(node -> node.createTestProbe(Room.Event.class)).toList();
    for (int i = 0; i < nodes.size(); i++) RoomTopics.get(nodes.get(i).system()).subscribe(room, first.get(i).ref());
    for (var node : nodes) TopicProbes.awaitInstances(node, RoomTopics.get(node.system()).existingTopic(room), 2);
    service.post(room, "zuhura", "before", "n-before").toCompletableFuture().get(15, TimeUnit.SECONDS);
    for (var session : first) assertEquals(2, session.receiveMessage().seq());

    // The sessions leave; only the node that runs the room keeps its topic.
    for (int i = 0; i < nodes.size(); i++) RoomTopics.get(nodes.get(i).system()).unsubscribe(room, first.get(i).ref());
    firstNode.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      for (var node : nodes) RoomTopics.get(node.system()).stopIdleTopics(Duration.ofSeconds(3)).toCompletableFuture().join();
      assertEquals(1, nodes.stream().filter(node -> RoomTopics.get(node.system()).existingTopic(room) != null).count());
      return null;
    });

    var again = nodes.stream().map(node -> node.createTestProbe(Room.Event.class)).toList();
    for (int i = 0; i < nodes.size(); i++) RoomTopics.get(nodes.get(i).system()).subscribe(room, again.get(i).ref());
    for (var node : nodes) TopicProbes.awaitInstances(node, RoomTopics.get(node.system()).existingTopic(room), 2);
    service.post(room, "zuhura", "after", "n-after").toCompletableFuture().get(15, TimeUnit.SECONDS);
    for (var session : again) assertEquals("after", ((Room.MessagePosted) session.receiveMessage()).text());
  }

  /**
   * The first notice a node ever publishes for a user reaches that user's session on the other node
   * at once: nothing about the user has to travel between the nodes first. (With a topic per user,
   * the publishing node's new topic sent it to its local subscribers only: none.)
   */
  @Test
  void aUsersFirstNoticeReachesTheirSessionOnAnotherNode() {
    var elsewhere = secondNode.createTestProbe(UserNotice.class);
    relays.get(1).tell(new TopicRelay.WatchOne<>(elsewhere.ref(), "mwanaidi", true));
    var unrelated = secondNode.createTestProbe(UserNotice.class);
    relays.get(1).tell(new TopicRelay.WatchOne<>(unrelated.ref(), "someone-else", true));

    var notice = new UserNotice.RoomLeft("mwanaidi", "somewhere");
    service.notifyUser(notice);
    elsewhere.expectMessage(Duration.ofSeconds(3), notice);
    unrelated.expectNoMessage(Duration.ofMillis(200));
  }
}
