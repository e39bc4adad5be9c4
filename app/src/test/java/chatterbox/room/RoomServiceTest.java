package chatterbox.room;

import chatterbox.testing.OneNodeCluster;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.query.PersistenceQuery;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import akka.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;
import chatterbox.platform.cluster.TopicRelay;
import chatterbox.platform.runtime.ServiceNode;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service over the entities as {@code init} wires them, sharded on a one-node cluster, with
 * the in-memory journal; every message the actors exchange is also serialized, as between nodes.
 */
class RoomServiceTest {

  private static final ActorTestKit testKit = ActorTestKit.create(OneNodeCluster.nodeConfig().withFallback(ConfigFactory.parseString("""
          akka.actor.serialize-messages = on
          """))
      .withFallback(PersistenceTestKitPlugin.config())
      .withFallback(PersistenceTestKitSnapshotPlugin.config())
      .withFallback(ServiceNode.withServiceDefaults(ConfigFactory.empty())));
  private static final AtomicInteger number = new AtomicInteger();

  private static final int MAX_ROOMS = 3;
  private static RoomService service;

  @BeforeAll
  static void startNode() {
    OneNodeCluster.join(testKit);
    Room.init(testKit.system());
    UserRooms.init(testKit.system(), Duration.ofMinutes(2), MAX_ROOMS);
    service = new RoomService(testKit.system(), Duration.ofSeconds(5), PersistenceQuery.get(testKit.system())
        .getReadJournalFor(PersistenceTestKitReadJournal.class, PersistenceTestKitReadJournal.Identifier()));
  }

  @AfterAll
  static void stopNode() {
    testKit.shutdownTestKit();
  }

  private static String unique(String prefix) {
    return prefix + number.incrementAndGet();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  @Test
  void joinAndLeaveKeepTheUsersListAndTellAllTheirSessions() throws Exception {
    var user = unique("amani");
    var room = unique("lounge-");
    var notices = testKit.createTestProbe(UserNotice.class);
    var relay = testKit.spawn(TopicRelay.create(service.userNotices(), UserNotice.class, UserNotice::username));
    relay.tell(new TopicRelay.WatchOne<>(notices.ref(), user, true));
    TopicProbes.awaitInstances(testKit, service.userNotices(), 1);

    var joined = (Room.Joined) await(service.join(room, user));
    assertEquals(new Room.Joined(new Room.RoomInfo(room, 1, List.of(user)), false), joined);
    assertEquals(List.of(room), await(service.roomsOf(user)));
    notices.expectMessage(new UserNotice.RoomJoined(user, joined.info()));

    assertTrue(((Room.Joined) await(service.join(room, user))).alreadyMember());
    assertEquals(List.of(room), await(service.roomsOf(user)));
    notices.expectMessage(new UserNotice.RoomJoined(user, joined.info()));

    assertEquals(new Room.Left(new Room.RoomInfo(room, 2, List.of())), await(service.leave(room, user)));
    assertEquals(List.of(), await(service.roomsOf(user)));
    notices.expectMessage(new UserNotice.RoomLeft(user, room));

    assertInstanceOf(Room.NotMember.class, await(service.leave(room, user)));
    notices.expectNoMessage(Duration.ofMillis(300));
  }

  @Test
  void aUserInAsManyRoomsAsAllowedJoinsNoMoreUntilLeavingOne() throws Exception {
    var user = unique("chiku");
    var rooms = List.of(unique("a-"), unique("b-"), unique("c-"));
    for (var room : rooms) assertInstanceOf(Room.Joined.class, await(service.join(room, user)));
    var fourth = unique("d-");
    assertEquals(new RoomService.TooManyRooms(MAX_ROOMS), await(service.join(fourth, user)));
    assertEquals(rooms, await(service.roomsOf(user)));
    assertEquals(0, await(service.info(fourth)).lastSeq(), "the room was neither created nor joined");
    assertInstanceOf(Room.Joined.class, await(service.join(rooms.get(1), user)), "a room the user is in can be joined again");

    await(service.leave(rooms.get(0), user));
    assertInstanceOf(Room.Joined.class, await(service.join(fourth, user)));
    assertEquals(List.of(rooms.get(1), rooms.get(2), fourth), await(service.roomsOf(user)));
  }

  @Test
  void aJoinTheRoomDoesNotAnswerUnlistsOnlyARoomItListed() throws Exception {
    var impatient = new RoomService(testKit.system(), Duration.ofSeconds(1), PersistenceQuery.get(testKit.system())
        .getReadJournalFor(PersistenceTestKitReadJournal.class, PersistenceTestKitReadJournal.Identifier()));
    var journal = PersistenceTestKit.create(testKit.system());
    var user = unique("zuberi");
    var room = unique("stuck-");
    await(service.join(unique("first-"), user)); // the user's list is awake: the failure is the room's
    var before = await(service.roomsOf(user));

    journal.failNextPersisted(Room.persistenceId(room).id());
    var failed = assertThrows(ExecutionException.class, () -> await(impatient.join(room, user)));
    assertInstanceOf(TimeoutException.class, failed.getCause(), failed.toString());
    assertEquals(before, await(service.roomsOf(user)), "listed by the failed join, then unlisted");
    assertFalse(await(service.info(room)).members().contains(user));

    // A room listed before the failed join stays listed (its join is repaired by a retry).
    var listedOnly = unique("listed-");
    await(ClusterSharding.get(testKit.system()).entityRefFor(UserRooms.ENTITY_TYPE_KEY, user)
        .<UserRooms.AddReply>ask(replyTo -> new UserRooms.Add(listedOnly, replyTo), Duration.ofSeconds(5)));
    journal.failNextPersisted(Room.persistenceId(listedOnly).id());
    assertThrows(ExecutionException.class, () -> await(impatient.join(listedOnly, user)));
    assertTrue(await(service.roomsOf(user)).contains(listedOnly));

    assertInstanceOf(Room.Joined.class, await(service.join(room, user)), "a retry joins");
    assertTrue(await(service.roomsOf(user)).contains(room));
    assertTrue(await(service.info(room)).members().contains(user));
  }

  @Test
  void theDefaultRoomIsGivenOnceSoLeavingItIsFinal() throws Exception {
    var user = unique("neema");
    assertEquals(List.of(RoomService.DEFAULT_ROOM), await(service.ensureDefaultRoom(user)));
    var general = await(service.info(RoomService.DEFAULT_ROOM));
    assertTrue(general.members().contains(user));

    assertEquals(List.of(RoomService.DEFAULT_ROOM), await(service.ensureDefaultRoom(user)));
    assertEquals(general.lastSeq(), await(service.info(RoomService.DEFAULT_ROOM)).lastSeq(), "joined once");

    await(service.leave(RoomService.DEFAULT_ROOM, user));
    assertEquals(List.of(), await(service.ensureDefaultRoom(user)));
    assertFalse(await(service.info(RoomService.DEFAULT_ROOM)).members().contains(user));
  }

  @Test
  void subscribersOfARoomReceiveEveryEntryInSeqOrder() throws Exception {
    var room = unique("busy-");
    var session = testKit.createTestProbe(Room.Event.class);
    service.subscribe(room, session.ref());
    TopicProbes.awaitInstances(testKit, RoomTopics.get(testKit.system()).existingTopic(room), 1);

    await(service.join(room, "amani"));
    await(service.join(room, "baraka"));
    for (int i = 1; i <= 5; i++) await(service.post(room, i % 2 == 0 ? "amani" : "baraka", "line " + i, "n-" + i));
    await(service.post(room, "amani", "line 5 again", "n-4")); // a retry: no new entry
    await(service.noticeTransfer(room, "t-1", "amani", "baraka"));
    await(service.leave(room, "baraka"));

    var received = session.receiveSeveralMessages(9);
    for (int i = 0; i < received.size(); i++) assertEquals(i + 1, received.get(i).seq(), received.toString());
    assertInstanceOf(Room.MemberJoined.class, received.get(0));
    assertEquals("line 4", ((Room.MessagePosted) received.get(5)).text());
    assertInstanceOf(Room.TransferNoticed.class, received.get(7));
    assertInstanceOf(Room.MemberLeft.class, received.get(8));
    session.expectNoMessage(Duration.ofMillis(300));
  }

  @Test
  void historyIsForMembersOfRoomsThatExist() throws Exception {
    var room = unique("archive-");
    await(service.join(room, "amani"));
    for (int i = 1; i <= 5; i++) await(service.post(room, "amani", "line " + i, null));

    var latest = (RoomService.History) await(service.history(room, "amani", null, null, 4));
    assertEquals(List.of(3L, 4L, 5L, 6L), latest.events().stream().map(Room.Event::seq).toList());
    assertTrue(latest.hasMore());
    assertEquals("line 2", ((Room.MessagePosted) latest.events().get(0)).text(), "read from the journal");
    var first = (RoomService.History) await(service.history(room, "amani", 3L, null, 4));
    assertEquals(List.of(1L, 2L), first.events().stream().map(Room.Event::seq).toList());
    assertFalse(first.hasMore());

    assertEquals(new RoomService.NotAMember(room), await(service.history(room, "baraka", null, null, 10)));
    assertEquals(new RoomService.NoSuchRoom("nowhere"), await(service.history("nowhere", "amani", null, null, 10)));
    assertEquals(new RoomService.NoSuchRoom("Not A Room"), await(service.history("Not A Room", "amani", null, null, 10)));
    var badQuery = assertThrows(ExecutionException.class, () -> await(service.history(room, "amani", 5L, 2L, 10)));
    assertInstanceOf(IllegalArgumentException.class, badQuery.getCause());
  }

  @Test
  void malformedIdsAreRefusedWithoutWakingAnEntity() {
    var badRoom = assertThrows(ExecutionException.class, () -> await(service.join("Not A Room", "amani")));
    assertInstanceOf(IllegalArgumentException.class, badRoom.getCause());
    var badUser = assertThrows(ExecutionException.class, () -> await(service.join("general", "Amani")));
    assertInstanceOf(IllegalArgumentException.class, badUser.getCause(), "usernames are canonical (lower case)");
    var session = testKit.createTestProbe(Room.Event.class);
    assertThrows(IllegalArgumentException.class, () -> service.subscribe("../user-topic-amani", session.ref()));
  }
}
