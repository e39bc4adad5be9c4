package chatterbox.gateway;

import chatterbox.room.Room;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A session passes each room event on once, in the room's order, whatever order pub-sub brings them in. */
class RoomViewTest {

  private static Room.Event line(long seq) {
    return new Room.MessagePosted("r", seq, "amani", "line " + seq, null, Instant.EPOCH);
  }

  private static List<Long> seqs(List<Room.Event> events) {
    return events.stream().map(Room.Event::seq).toList();
  }

  @Test
  void theNextEventPassesStraightOnAndOldOrRepeatedOnesNot() {
    var view = new RoomView(5, Set.of("amani"));
    assertEquals(List.of(6L), seqs(view.arrived(line(6))));
    assertEquals(List.of(7L), seqs(view.arrived(line(7))));
    assertEquals(List.of(), view.arrived(line(7)));
    assertEquals(List.of(), view.arrived(line(3)));
    assertEquals(7, view.lastSeq());
    assertFalse(view.gap());
  }

  @Test
  void earlyEventsWaitForTheMissingOneThenGoOutInOrder() {
    var view = new RoomView(5, Set.of("amani"));
    assertEquals(List.of(), view.arrived(line(8)));
    assertEquals(List.of(), view.arrived(line(7)));
    assertEquals(List.of(), view.arrived(line(8)), "a repeat while waiting");
    assertTrue(view.gap(), "6 is missing: read the history");
    assertEquals(5, view.lastSeq());
    assertEquals(List.of(6L, 7L, 8L), seqs(view.arrived(line(6))));
    assertFalse(view.gap());
    assertEquals(List.of(9L), seqs(view.arrived(line(9))));
  }

  @Test
  void membershipFollowsTheEventsPassedOn() {
    var view = new RoomView(0, Set.of("amani"));
    view.arrived(new Room.MemberJoined("r", 2, "baraka", Instant.EPOCH));
    assertFalse(view.hasMember("baraka"), "not yet: event 1 is missing");
    view.arrived(new Room.MemberLeft("r", 1, "amani", Instant.EPOCH));
    assertTrue(view.hasMember("baraka"));
    assertFalse(view.hasMember("amani"));
    assertEquals(1, view.memberCount());
    assertTrue(view.showsPresenceOf("baraka"));
  }

  @Test
  void aRoomWithMoreMembersThanTheThresholdIsKnownByItsCountAlone() {
    var members = List.of("amani", "baraka", "chausiku");
    var small = RoomView.of(new Room.RoomInfo("r", 4, members), 3);
    assertFalse(small.large());
    assertTrue(small.hasMember("chausiku"));

    var large = RoomView.of(new Room.RoomInfo("r", 4, members), 2);
    assertTrue(large.large());
    assertEquals(3, large.memberCount());
    assertFalse(large.showsPresenceOf("amani"), "no presence of a large room's members");
    assertThrows(IllegalStateException.class, () -> large.hasMember("amani"));
    large.arrived(new Room.MemberJoined("r", 5, "dalila", Instant.EPOCH));
    large.arrived(new Room.MemberJoined("r", 6, "erasto", Instant.EPOCH));
    large.arrived(new Room.MemberLeft("r", 7, "amani", Instant.EPOCH));
    assertEquals(4, large.memberCount(), "the count follows the joins and leaves passed on");
    assertEquals(List.of(8L), seqs(large.arrived(line(8))), "its events pass on as in any room");
    assertTrue(large.large(), "a room keeps its kind for the session's life");
  }

  @Test
  void aSmallRoomThatGrowsPastTheThresholdForgetsItsMembersAndStaysLarge() {
    var view = RoomView.of(new Room.RoomInfo("r", 2, List.of("amani", "baraka")), 3);
    view.arrived(new Room.MemberJoined("r", 3, "chausiku", Instant.EPOCH));
    assertFalse(view.becameLarge(3), "3 members: not more than the threshold");
    assertTrue(view.showsPresenceOf("chausiku"));

    // The fourth and fifth come together (a gap filled): the count is the view's, as of both.
    view.arrived(new Room.MemberJoined("r", 5, "erasto", Instant.EPOCH));
    assertEquals(List.of(4L, 5L), seqs(view.arrived(new Room.MemberJoined("r", 4, "dalila", Instant.EPOCH))));
    assertTrue(view.becameLarge(3));
    assertTrue(view.large());
    assertEquals(5, view.memberCount());
    assertEquals(5, view.lastSeq());
    assertFalse(view.showsPresenceOf("amani"), "no presence of a large room's members");
    assertThrows(IllegalStateException.class, () -> view.hasMember("amani"));
    assertFalse(view.becameLarge(3), "told once");

    view.arrived(new Room.MemberLeft("r", 6, "amani", Instant.EPOCH));
    view.arrived(new Room.MemberLeft("r", 7, "baraka", Instant.EPOCH));
    assertEquals(3, view.memberCount());
    assertTrue(view.large(), "back under the threshold, still large for the session's life");
    assertFalse(view.becameLarge(3));
  }
}
