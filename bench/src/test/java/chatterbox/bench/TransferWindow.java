package chatterbox.bench;

/**
 * One measured stretch of the transfers scenario: {@code users} virtual users, closed loop
 * ({@code offeredPerSecond} 0) or paced at that rate, and what completed in the window
 * [{@code fromMs}, {@code toMs}] (epoch ms; a transfer counts when its receipt arrives in it).
 * {@code completed} and {@code failed} are the simulation's live counts, which steer the ladder; the
 * report recounts from Gatling's simulation.log over the same window.
 */
record TransferWindow(int users, double offeredPerSecond, long fromMs, long toMs, long completed, long failed) {
  double seconds() {
    return Math.max(1, toMs - fromMs) / 1000.0;
  }

  /** Completed transfers per second over the window. */
  double rate() {
    return completed / seconds();
  }

  boolean paced() {
    return offeredPerSecond > 0;
  }
}
