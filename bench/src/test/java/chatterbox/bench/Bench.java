package chatterbox.bench;

import java.time.Duration;

/** Settings of a benchmark run, from JVM system properties (bench/run.sh passes them). */
final class Bench {
  private Bench() {}

  /** The app under test (HTTP); the gateway is at the same address, path /gateway. */
  static final String BASE_URL = System.getProperty("bench.baseUrl", "http://127.0.0.1:18080");
  static final String WS_URL = BASE_URL.replaceFirst("^http", "ws");
  /** Seconds each scenario's measured phase lasts. */
  static final int DURATION = Integer.getInteger("bench.duration", 30);
  /** Seconds over which the virtual users connect. */
  static final int RAMP = Integer.getInteger("bench.ramp", 3);
  /** Where the harness writes what Gatling does not measure itself (fan-out deliveries). */
  static final String OUT = System.getProperty("bench.out", "target/bench-results");
  /** Distinguishes the users of one run from those of an earlier one against the same database. */
  static final String RUN_ID = System.getProperty("bench.runId",
      Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36));
  /** Every seeded user's PIN: passes the PIN policy and is not the birth date of the national ID. */
  static final String PIN = "4826";
  static final Duration AWAIT = Duration.ofSeconds(Integer.getInteger("bench.awaitSeconds", 15));

  static int intProp(String name, int def) {
    return Integer.getInteger(name, def);
  }
}
