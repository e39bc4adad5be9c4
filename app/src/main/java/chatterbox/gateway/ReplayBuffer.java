package chatterbox.gateway;

import java.util.ArrayList;
import java.util.List;

/**
 * A session's latest dispatches, kept for RESUME: at most {@code capacity}, oldest dropped first.
 *
 * <p>Why a ring of two arrays and not a queue of records: a session's numbering has no holes, so a
 * dispatch's seq follows from its place and only its type and payload are kept (both shared: the
 * type is a constant and a room event's payload is one string per node). A busy session's buffer
 * lives for seconds; as a queue of records it was 1,000 small objects per session that every young
 * collection copied and then promoted, the longest part of the collector's pauses in a fan-out.
 * The arrays grow by doubling, so a quiet session holds only what it sent.
 */
final class ReplayBuffer {
  private static final int FIRST_SIZE = 4;

  private final int capacity;
  private String[] types = new String[0];
  private String[] payloads = new String[0];
  /** Where the oldest kept dispatch is. */
  private int head;
  private int size;
  /** The seq of the latest dispatch added (0 before the first). */
  private long latestSeq;

  ReplayBuffer(int capacity) {
    if (capacity < 0) throw new IllegalArgumentException("capacity must not be negative: " + capacity);
    this.capacity = capacity;
  }

  /** Keeps dispatch {@code seq}, which must be the one after the latest added. */
  void add(long seq, String type, String payloadJson) {
    if (seq != latestSeq + 1) {
      throw new IllegalArgumentException("dispatch " + seq + " does not follow " + latestSeq);
    }
    latestSeq = seq;
    if (capacity == 0) return;
    if (size == types.length && size < capacity) grow();
    int slot = (head + size) % types.length;
    types[slot] = type;
    payloads[slot] = payloadJson;
    if (size < types.length) {
      size++;
    } else {
      head = (head + 1) % types.length; // full: the oldest made room
    }
  }

  /** Whether every dispatch after {@code afterSeq} is kept (none may be missing for a RESUME). */
  boolean covers(long afterSeq) {
    return afterSeq <= latestSeq && afterSeq >= latestSeq - size;
  }

  /** The frames of the kept dispatches after {@code afterSeq}, oldest first. */
  List<String> framesAfter(long afterSeq) {
    long oldestSeq = latestSeq - size + 1;
    var frames = new ArrayList<String>();
    for (long seq = Math.max(afterSeq + 1, oldestSeq); seq <= latestSeq; seq++) {
      int slot = (int) ((head + (seq - oldestSeq)) % types.length);
      frames.add(GatewayProtocol.dispatch(seq, types[slot], payloads[slot]));
    }
    return frames;
  }

  int size() {
    return size;
  }

  private void grow() {
    int length = Math.min(capacity, Math.max(FIRST_SIZE, types.length * 2));
    var newTypes = new String[length];
    var newPayloads = new String[length];
    for (int i = 0; i < size; i++) {
      newTypes[i] = types[(head + i) % types.length];
      newPayloads[i] = payloads[(head + i) % types.length];
    }
    types = newTypes;
    payloads = newPayloads;
    head = 0;
  }
}
