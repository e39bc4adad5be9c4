package chatterbox.gateway;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many lines (INPUT and CONFIRM) one user may send through this node in a window, whatever
 * number of connections they spread them over: the per-connection limit alone would let a user
 * with many sockets flood a room. Over the limit, a line is refused with an ERROR and the
 * connection stays open.
 */
final class UserRateLimit {

  private final int lines;
  private final long windowNanos;
  private final ConcurrentHashMap<String, ArrayDeque<Long>> recent = new ConcurrentHashMap<>();

  UserRateLimit(int lines, Duration window) {
    this.lines = lines;
    this.windowNanos = window.toNanos();
  }

  /** Records a line of {@code username}'s; false when it goes over the limit (and is not counted). */
  boolean tryAcquire(String username) {
    var times = recent.computeIfAbsent(username, u -> new ArrayDeque<>());
    synchronized (times) {
      long now = System.nanoTime();
      while (!times.isEmpty() && times.peekFirst() < now - windowNanos) times.removeFirst();
      if (times.size() >= lines) return false;
      times.addLast(now);
      return true;
    }
  }

  int lines() {
    return lines;
  }

  Duration window() {
    return Duration.ofNanos(windowNanos);
  }
}
