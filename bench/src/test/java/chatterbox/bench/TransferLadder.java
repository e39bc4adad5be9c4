package chatterbox.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Finds the transfers scenario's peak: closed-loop levels of {@code startUsers}, twice as many, ...
 * up to {@code maxUsers}, until a level raises the best throughput so far by less than
 * {@code minGain} (in a closed loop, latency that explodes shows here too: twice the users at twice
 * the latency is no gain), fails more than {@link #MAX_FAILED_SHARE} of its transfers, or completes
 * nothing. The peak is the level with the most completed transfers per second, as issue 6 defines
 * it, even if it is the level whose failures stopped the ladder (the report shows its failures).
 */
final class TransferLadder {
  /** Failures above this share of a level's transfers end the ladder: the node is past its limit. */
  static final double MAX_FAILED_SHARE = 0.01;

  private final int startUsers;
  private final int maxUsers;
  private final double minGain;
  private final List<TransferWindow> levels = new ArrayList<>();
  private String stopReason = "";

  /** Users are rounded down to even (they transfer in pairs), at least 2. */
  TransferLadder(int startUsers, int maxUsers, double minGain) {
    this.startUsers = even(startUsers);
    this.maxUsers = Math.max(this.startUsers, even(maxUsers));
    this.minGain = minGain;
  }

  int firstUsers() {
    return startUsers;
  }

  int maxUsers() {
    return maxUsers;
  }

  /** Records the level just measured; answers the next level's users, or 0 when the ladder is over ({@link #stopReason()}). */
  int next(TransferWindow level) {
    double best = levels.stream().mapToDouble(TransferWindow::rate).max().orElse(0);
    levels.add(level);
    long attempts = level.completed() + level.failed();
    if (level.completed() == 0) return stop(level.users() + " users completed nothing");
    if (!withinFailureBudget(level)) {
      return stop(String.format(Locale.ROOT, "%d of %d transfers failed at %d users", level.failed(), attempts, level.users()));
    }
    if (best > 0 && level.rate() < best * (1 + minGain)) {
      return stop(String.format(Locale.ROOT, "%d users: %+.0f%% over the best level (less than %+.0f%%)",
          level.users(), 100 * (level.rate() / best - 1), 100 * minGain));
    }
    if (level.users() >= maxUsers) return stop("reached the most users allowed, " + maxUsers);
    return Math.min(maxUsers, level.users() * 2);
  }

  /** The level with the most completed transfers per second; null before any. */
  TransferWindow peak() {
    return levels.stream().max(Comparator.comparingDouble(TransferWindow::rate)).orElse(null);
  }

  List<TransferWindow> levels() {
    return List.copyOf(levels);
  }

  String stopReason() {
    return stopReason;
  }

  private int stop(String reason) {
    stopReason = reason;
    return 0;
  }

  private static boolean withinFailureBudget(TransferWindow level) {
    return level.failed() <= MAX_FAILED_SHARE * (level.completed() + level.failed());
  }

  private static int even(int users) {
    return Math.max(2, users / 2 * 2);
  }
}
