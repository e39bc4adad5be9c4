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
 *
 * <p>A large room (more members than {@code chatterbox.gateway.large-room} when the session took
 * it) is known by its member count alone. Everyone is in {@code general}: a copy of its members in
 * every session would cost a node sessions x users entries, and everyone's presence in every
 * session a message per session for every user who comes or goes. A small room that grows past
 * the threshold becomes large ({@link #becameLarge}, told to the client as ROOM_BECAME_LARGE) and
 * stays large for the session's life: a room that began small would otherwise keep every member
 * and everyone's presence in the sessions that took it early, a list as long as the room.
 */
final class RoomView {
  private long lastSeq;
  /** Null for a large room. */
  private Set<String> members;
  private int memberCount;
  private final TreeMap<Long, Room.Event> early = new TreeMap<>();
  /** A history read for the gap is under way. */
  boolean filling;

  /** A small room: its members are kept and follow the events passed on. */
  RoomView(long lastSeq, Collection<String> members) {
    this(lastSeq, new HashSet<>(members), members.size());
  }

  private RoomView(long lastSeq, Set<String> members, int memberCount) {
    this.lastSeq = lastSeq;
    this.members = members;
    this.memberCount = memberCount;
  }

  /** The view of {@code info}: large (its members not kept) if it has more than {@code largeRoom} members. */
  static RoomView of(Room.RoomInfo info, int largeRoom) {
    return info.members().size() > largeRoom
        ? new RoomView(info.lastSeq(), null, info.members().size())
        : new RoomView(info.lastSeq(), info.members());
  }

  long lastSeq() {
    return lastSeq;
  }

  boolean large() {
    return members == null;
  }

  int memberCount() {
    return memberCount;
  }

  /**
   * Whether this small room has more than {@code largeRoom} members now; if so it forgets them and is
   * large from now on. Its {@link #memberCount()} is then the count as of {@link #lastSeq()}.
   */
  boolean becameLarge(int largeRoom) {
    if (members == null || memberCount <= largeRoom) return false;
    members = null;
    return true;
  }

  /** Whether {@code username} is a member as far as the events passed on tell; only for a room that is not {@link #large()}. */
  boolean hasMember(String username) {
    if (members == null) throw new IllegalStateException("a large room's members are not kept");
    return members.contains(username);
  }

  /** Adds the members whose presence this room makes the session's business (none for a large room). */
  void addPresenceShown(Set<String> usernames) {
    if (members != null) usernames.addAll(members);
  }

  /** Whether this room makes {@code username}'s presence this session's business: a small room they are in. */
  boolean showsPresenceOf(String username) {
    return members != null && members.contains(username);
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
    // A room writes MemberJoined only for someone new and MemberLeft only for a member: counting is exact.
    if (event instanceof Room.MemberJoined joined) {
      memberCount++;
      if (members != null) members.add(joined.username());
    } else if (event instanceof Room.MemberLeft left) {
      memberCount--;
      if (members != null) members.remove(left.username());
    }
  }
}
