package chatterbox.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;

/**
 * Runs the transfers scenario's phases on a thread of its own while Gatling's virtual users wait on
 * {@link TransferLoad}: first the {@link TransferLadder} (before each level it seeds the users the
 * level adds, so every user is seeded once and reused by the levels above; the users rest meanwhile),
 * then the half-of-peak phase: every seeded user, paced so that together they offer half the peak's
 * transfers/s. Each phase warms up for {@code warmUpSeconds} before its window opens, the first level
 * for {@code firstWarmUpSeconds} and at least a level's length: the app's JIT is cold then (its
 * compiler threads still take a quarter of this 2-core machine a minute into a run), and a cold
 * first level would look slower than it is, make the second one's gain look larger, and leave the
 * compiler's work to the phases after it. Writes
 * {@link TransferPhases} at the end, whatever happened, and lets the virtual users go.
 */
final class TransferConductor implements Runnable {
  private final TransferLoad load;
  private final TransferLadder ladder;
  private final int warmUpSeconds;
  private final int firstWarmUpSeconds;
  private final int levelSeconds;
  private final int halfSeconds;

  TransferConductor(TransferLoad load, TransferLadder ladder, int warmUpSeconds, int firstWarmUpSeconds,
                    int levelSeconds, int halfSeconds) {
    this.load = load;
    this.ladder = ladder;
    this.warmUpSeconds = warmUpSeconds;
    this.firstWarmUpSeconds = firstWarmUpSeconds;
    this.levelSeconds = levelSeconds;
    this.halfSeconds = halfSeconds;
  }

  @Override
  public void run() {
    TransferWindow half = null;
    String error = "";
    try {
      climb();
      half = halfOfPeak();
    } catch (Exception e) {
      error = e.toString().replace('\n', ' ');
      e.printStackTrace();
    } finally {
      load.finish();
      write(half, error);
    }
  }

  private void climb() throws InterruptedException {
    int users = ladder.firstUsers();
    int warmUp = Math.max(Math.max(warmUpSeconds, firstWarmUpSeconds), levelSeconds);
    while (users > 0) {
      load.idle();
      seedUpTo(users);
      var level = measure(users, null, warmUp, levelSeconds);
      System.out.printf("ladder: %d users, %.1f transfers/s, %d failed%n", users, level.rate(), level.failed());
      users = ladder.next(level);
      warmUp = warmUpSeconds;
    }
    System.out.println("ladder stopped: " + ladder.stopReason());
  }

  /** Null when the ladder found no peak to halve (nothing completed). */
  private TransferWindow halfOfPeak() throws InterruptedException {
    var peak = ladder.peak();
    if (peak == null || peak.rate() == 0) return null;
    int users = load.seededCount();
    var pacing = new TransferLoad.Pacing(System.currentTimeMillis(), peak.rate() / 2, users);
    var half = measure(users, pacing, warmUpSeconds, halfSeconds);
    System.out.printf("half of peak: offered %.1f/s, %.1f transfers/s%n", pacing.perSecond(), half.rate());
    return half;
  }

  private TransferWindow measure(int users, TransferLoad.Pacing pacing, int warmUp, int seconds)
      throws InterruptedException {
    load.run(users, pacing);
    Thread.sleep(warmUp * 1000L);
    long from = System.currentTimeMillis();
    load.startCounting();
    Thread.sleep(seconds * 1000L);
    long[] counts = load.stopCounting();
    long to = System.currentTimeMillis();
    load.idle();
    return new TransferWindow(users, pacing == null ? 0 : pacing.perSecond(), from, to, counts[0], counts[1]);
  }

  /** Seeds slots up to {@code users} (in pairs, each pair alone in a room) and waits until they are on the gateway. */
  private void seedUpTo(int users) throws InterruptedException {
    int from = load.seededCount();
    if (users <= from) return;
    var specs = new ArrayList<Map<String, Object>>();
    for (int i = from; i < users; i++) {
      specs.add(Map.of(
          "username", username(i),
          "peer", username(i % 2 == 0 ? i + 1 : i - 1),
          "room", "pair-" + Bench.RUN_ID + "-" + i / 2));
    }
    load.addSeeded(Seeder.seed(specs));
    long deadline = System.currentTimeMillis() + 2 * Bench.AWAIT.toMillis();
    while (load.joinedCount() < users && System.currentTimeMillis() < deadline) Thread.sleep(100);
  }

  private static String username(int slot) {
    return "b" + Bench.RUN_ID + "_t" + slot;
  }

  private void write(TransferWindow half, String error) {
    var levels = ladder.levels();
    var phases = new TransferPhases(levels, levels.indexOf(ladder.peak()), ladder.stopReason(), half, error);
    try {
      phases.write(Path.of(Bench.OUT));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
