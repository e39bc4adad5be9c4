package chatterbox.bench;

import io.gatling.javaapi.core.Session;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the transfers scenario's virtual users do at this moment: {@link TransferConductor} sets it
 * (which users are seeded, which of them transfer, closed loop or paced, whether completions count),
 * every virtual user reads it between transfers. Each virtual user has a slot, 0, 1, ...; slot i is
 * the i-th seeded user. Never blocks: it is called on Gatling's threads.
 */
final class TransferLoad {
  /**
   * An offered rate spread evenly over {@code users}: slot i sends its k-th transfer at
   * {@code startMs + (i + k * users) / perSecond} s, so the users together send one every
   * 1/perSecond s. A user still busy when its time comes sends as soon as it is done (the schedule
   * does not move), so a slow phase is followed by a catch-up, as with arrivals that do not wait.
   */
  record Pacing(long startMs, double perSecond, int users) {
    long dueMs(long sendIndex) {
      return startMs + Math.round(sendIndex * 1000 / perSecond);
    }
  }

  private final List<Map<String, Object>> seeded = new CopyOnWriteArrayList<>();
  private final AtomicInteger slots = new AtomicInteger();
  private final AtomicInteger joined = new AtomicInteger();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile int activeUsers;
  private volatile Pacing pacing;
  private volatile boolean counting;
  private volatile boolean finished;

  // --- virtual users

  Session claimSlot(Session s) {
    return s.set("slot", slots.getAndIncrement());
  }

  boolean waitingForSeed(Session s) {
    return !finished && slot(s) >= seeded.size();
  }

  boolean seeded(Session s) {
    return slot(s) < seeded.size();
  }

  /** The session with its seeded user's attributes (username, peer, room, token). */
  Session withUser(Session s) {
    return s.setAll(seeded.get(slot(s)));
  }

  /** A virtual user has its gateway session (READY, or failed trying). */
  Session joined(Session s) {
    joined.incrementAndGet();
    return s;
  }

  boolean finished() {
    return finished;
  }

  boolean active(Session s) {
    return !finished && slot(s) < activeUsers;
  }

  /** The session with {@code dueMs}: when its next transfer is due (0 in a closed loop: at once). */
  Session schedule(Session s) {
    var p = pacing;
    if (p == null) return s.set("dueMs", 0L);
    boolean samePacing = s.contains("pacingStartMs") && s.getLong("pacingStartMs") == p.startMs();
    long next = samePacing ? s.getLong("sendIndex") + p.users() : slot(s);
    return s.set("pacingStartMs", p.startMs()).set("sendIndex", next).set("dueMs", p.dueMs(next));
  }

  Duration untilDue(Session s) {
    return Duration.ofMillis(Math.max(0, s.getLong("dueMs") - System.currentTimeMillis()));
  }

  /** Counts a finished transfer (the session is failed if the group was KO) while a window is open. */
  Session counted(Session s) {
    if (counting) (s.isFailed() ? failed : completed).incrementAndGet();
    return s;
  }

  private static int slot(Session s) {
    return s.getInt("slot");
  }

  // --- the conductor

  void addSeeded(List<Map<String, Object>> users) {
    seeded.addAll(users);
  }

  int seededCount() {
    return seeded.size();
  }

  int joinedCount() {
    return joined.get();
  }

  /** Slots below {@code users} transfer from now on, paced or (pacing null) in a closed loop. */
  void run(int users, Pacing pacing) {
    this.pacing = pacing;
    this.activeUsers = users;
  }

  void idle() {
    activeUsers = 0;
  }

  void startCounting() {
    completed.set(0);
    failed.set(0);
    counting = true;
  }

  /** Stops counting; answers {completed, failed} since {@link #startCounting()}. */
  long[] stopCounting() {
    counting = false;
    return new long[] {completed.get(), failed.get()};
  }

  void finish() {
    finished = true;
  }
}
