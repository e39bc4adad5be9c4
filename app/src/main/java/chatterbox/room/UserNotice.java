package chatterbox.room;

import chatterbox.platform.serialization.JsonSerializable;

/**
 * Something every session of one user must hear of, on whichever node each session is: published
 * with {@link RoomTopics#notifyUser}. Rooms publish {@link RoomJoined} and {@link RoomLeft}; the
 * interface is deliberately not sealed, so that other features (the gateway's transfer receipts)
 * add their own notices by implementing it, and a session handles the kinds it knows.
 */
public interface UserNotice extends JsonSerializable {

  /** Whose sessions the notice is for. */
  String username();

  /** The user joined {@code room} (or joined again: sessions treat it as idempotent). */
  record RoomJoined(String username, Room.RoomInfo room) implements UserNotice {}

  record RoomLeft(String username, String roomId) implements UserNotice {}
}
