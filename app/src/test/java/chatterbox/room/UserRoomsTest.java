package chatterbox.room;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import chatterbox.room.UserRooms.Command;
import chatterbox.room.UserRooms.Event;
import chatterbox.room.UserRooms.Rooms;
import chatterbox.room.UserRooms.State;
import chatterbox.wallet.MoneyTestConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One user's room list alone: every command, event and state also goes through JSON and back. */
class UserRoomsTest {

  private static final ActorTestKit testKit = ActorTestKit.create(MoneyTestConfig.config());
  private static final AtomicInteger userNumber = new AtomicInteger();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Room lists in these tests may hold more rooms than the snapshot test adds. */
  private static final int MAX_ROOMS = 150;

  private final String username = "user" + userNumber.incrementAndGet();
  private EventSourcedBehaviorTestKit<Command, Event, State> user = listOf(MAX_ROOMS);

  private EventSourcedBehaviorTestKit<Command, Event, State> listOf(int maxRooms) {
    return EventSourcedBehaviorTestKit.create(testKit.system(), UserRooms.create(username, maxRooms),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, UserRooms.AddReply> add(String roomId) {
    return user.runCommand(replyTo -> new UserRooms.Add(roomId, replyTo));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, Rooms> remove(String roomId) {
    return user.runCommand(replyTo -> new UserRooms.Remove(roomId, replyTo));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, Rooms> markInitialized() {
    return user.runCommand(UserRooms.MarkInitialized::new);
  }

  private Rooms get() {
    return user.<Rooms>runCommand(UserRooms.Get::new).reply();
  }

  @Test
  void aNewUserIsInNoRoomAndNotInitialized() {
    assertEquals(new Rooms(List.of(), false), get());
  }

  @Test
  void roomsAreListedOnceInTheOrderJoined() {
    var first = add("zoo");
    assertEquals(new UserRooms.RoomAdded("zoo"), first.event());
    assertEquals(new UserRooms.Added(new Rooms(List.of("zoo"), false)), first.reply());
    add("general");
    var again = add("zoo");
    assertTrue(again.hasNoEvents());
    assertEquals(new Rooms(List.of("zoo", "general"), false), again.reply());
  }

  @Test
  void removingIsIdempotent() {
    add("general");
    add("zoo");
    assertEquals(new Rooms(List.of("zoo"), false), remove("general").reply());
    var again = remove("general");
    assertTrue(again.hasNoEvents());
    assertEquals(new Rooms(List.of("zoo"), false), again.reply());
    assertTrue(remove("never-joined").hasNoEvents());
  }

  @Test
  void initializedIsSetOnceAndKept() {
    assertEquals(new UserRooms.Initialized(), markInitialized().event());
    assertTrue(markInitialized().hasNoEvents());
    remove("general");
    assertTrue(get().initialized());
  }

  @Test
  void aFullListRefusesAnotherRoomAndChangesNothing() {
    user = listOf(2);
    add("general");
    add("zoo");
    var third = add("market");
    assertTrue(third.hasNoEvents());
    assertEquals(new UserRooms.Full(2), third.reply());
    assertEquals(new Rooms(List.of("general", "zoo"), false), get());

    // A listed room is still answered with the list, and a room left makes space again.
    assertEquals(new Rooms(List.of("general", "zoo"), false), add("zoo").reply());
    remove("general");
    assertEquals(new UserRooms.RoomAdded("market"), add("market").event());
    assertEquals(new UserRooms.Full(2), add("general").reply());
  }

  @Test
  void aLimitLoweredLaterKeepsTheRoomsAndRefusesMore() {
    add("general");
    add("zoo");
    add("market");
    // The same user's journal, recovered by an entity under a lower limit (the kit above would clear it).
    var lowered = testKit.spawn(UserRooms.create(username, 2));
    var rooms = testKit.<Rooms>createTestProbe();
    var added = testKit.<UserRooms.AddReply>createTestProbe();
    lowered.tell(new UserRooms.Get(rooms.ref()));
    assertEquals(new Rooms(List.of("general", "zoo", "market"), false), rooms.receiveMessage());
    lowered.tell(new UserRooms.Add("shop", added.ref()));
    assertEquals(new UserRooms.Full(2), added.receiveMessage());
    lowered.tell(new UserRooms.Remove("zoo", rooms.ref()));
    rooms.receiveMessage();
    lowered.tell(new UserRooms.Add("shop", added.ref()));
    assertEquals(new UserRooms.Full(2), added.receiveMessage(), "still at two rooms");
  }

  @Test
  void snapshotsAndRestartKeepTheListAndTheFlag() {
    IntStream.range(0, 120).forEach(i -> add("room-" + i));
    IntStream.range(0, 60).forEach(i -> remove("room-" + (2 * i)));
    markInitialized();
    var before = user.getState();
    assertEquals(60, before.roomIds().size());
    var snapshots = user.snapshotTestKit().orElseThrow().persistedInStorage("UserRooms|" + username);
    assertFalse(snapshots.isEmpty(), "a snapshot was taken after 100 events");
    assertEquals(before, user.restart().state());
    assertEquals(new Rooms(IntStream.range(0, 60).mapToObj(i -> "room-" + (2 * i + 1)).toList(), true), get());
  }
}
