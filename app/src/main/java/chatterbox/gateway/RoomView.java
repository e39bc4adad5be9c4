package chatterbox.gateway;

import chatterbox.room.Room;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a session knows of one of its rooms: the last event it passed on, the members, and the events
 * that came early. Room events reach a session through pub-sub, which may lose or reorder them
 * across nodes; a session passes each on exactly once, in the room's order, and fills a gap from the
 * room's history ({@link #gap()}).
 */
final class RoomView {
  private long lastSeq;
  final Set<String> members;
  private final TreeMap<Long, Room.Event> early = new TreeMap<>();
  /** A history read for the gap is under way. */
  boolean filling;

  RoomView(long lastSeq, Collection<String> members) {
    this.lastSeq = lastSeq;
    this.members = new HashSet<>(members);
  }

  long lastSeq() {
    return lastSeq;
  }

  /** Takes one of the room's events as it arrives; answers the events now next in order, oldest first. */
  List<Room.Event> arrived(Room.Event event) {
    if (event.seq() <= lastSeq) return List.of();
    if (event.seq() == lastSeq + 1 && early.isEmpty()) {
      advance(event); // the usual case, once per member of a busy room: nothing to put in order
      return List.of(event);
    }
    early.putIfAbsent(event.seq(), event);
    var ready = new ArrayList<Room.Event>();
    while (!early.isEmpty() && early.firstKey() <= lastSeq + 1) {
      var next = early.pollFirstEntry().getValue();
      if (next.seq() == lastSeq + 1) {
        advance(next);
        ready.add(next);
      }
    }
    return ready;
  }

  /** Whether events wait behind a missing one (read the history after {@link #lastSeq()}). */
  boolean gap() {
    return !early.isEmpty();
  }

  private void advance(Room.Event event) {
    lastSeq = event.seq();
    if (event instanceof Room.MemberJoined joined) members.add(joined.username());
    if (event instanceof Room.MemberLeft left) members.remove(left.username());
  }
}
