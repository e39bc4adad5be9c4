package chatterbox.gateway;

import chatterbox.room.Room;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Room events encoded once per node, not once per session. A room's topic hands the same event to
 * every session of the room on this node; the first session to deliver it encodes its payload
 * ({@code d}) to JSON here and the others reuse that string, each adding only its own frame
 * envelope (its dispatch number {@code s}, see {@link GatewayProtocol#dispatch(long, String, String)}).
 *
 * <p>A fixed number of slots, chosen by room and sequence number, each holding the latest event
 * encoded there: no eviction to run and bounded memory. A slot taken by another event only costs
 * an encoding. Thread-safe without locks: sessions on any dispatcher thread read and replace slots;
 * two sessions racing on a new event both encode it, and either result is the same text.
 */
final class RoomEventFrames {

  /** A room event with its dispatch type and encoded payload. */
  record Encoded(Room.Event event, String type, String payloadJson) {}

  static final int DEFAULT_SLOTS = 4096;

  private final AtomicReferenceArray<Encoded> slots;
  private final int mask;
  private final LongAdder encodings = new LongAdder();

  RoomEventFrames() {
    this(DEFAULT_SLOTS);
  }

  /** @param slots how many recent events to keep encoded; a power of two */
  RoomEventFrames(int slots) {
    if (slots < 1 || Integer.bitCount(slots) != 1) throw new IllegalArgumentException("slots must be a power of two: " + slots);
    this.slots = new AtomicReferenceArray<>(slots);
    this.mask = slots - 1;
  }

  Encoded encode(Room.Event event) {
    int slot = (31 * event.room().hashCode() + Long.hashCode(event.seq())) & mask;
    var cached = slots.get(slot);
    // Same instance for the sessions the topic fed; equal for a copy from history.
    if (cached != null && (cached.event() == event || cached.event().equals(event))) return cached;
    var typed = Events.roomEvent(event);
    var encoded = new Encoded(event, typed.getKey(), typed.getValue().toString());
    encodings.increment();
    slots.set(slot, encoded);
    return encoded;
  }

  /** How many times an event was encoded (for tests: once per event, not per session). */
  long encodings() {
    return encodings.sum();
  }
}
