package chatterbox.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Delivery latencies of one fan-out run, in ms: every line a poster sends carries its send time
 * ({@link #stamp(boolean)}); a member that receives it records arrival minus that time. Same JVM, same
 * clock, millisecond resolution. A line sent before the measured window opens ({@link #countFrom})
 * carries a warm-up stamp instead, which no member counts. Shared by the ChatterBox and the ejabberd
 * fan-out, so both figures are computed the same way.
 */
final class DeliveryLatencies {
  private static final Pattern SENT = Pattern.compile("bench-sent=(\\d+)");

  private long[] latencies = new long[1 << 16];
  private int count;
  private long firstSent = Long.MAX_VALUE;
  private long lastReceived = Long.MIN_VALUE;
  /** Send time from which lines count; the first poster to start sets it. */
  private long countFrom = Long.MAX_VALUE;

  /**
   * The text a poster puts in a line so that members can tell when it was sent; a line of the
   * warm-up ({@code counted} false) gets a stamp {@link #sentAt} does not read.
   */
  static String stamp(boolean counted) {
    return (counted ? "bench-sent=" : "bench-warm-up=") + System.currentTimeMillis();
  }

  /** The send time stamped into a received frame, or -1 if it carries none. */
  static long sentAt(String frame) {
    var m = SENT.matcher(frame);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** Opens the measured window at {@code fromMs} (epoch ms), unless an earlier poster opened it already. */
  synchronized void countFrom(long fromMs) {
    countFrom = Math.min(countFrom, fromMs);
  }

  /** Whether a line sent at {@code nowMs} counts (false in the warm-up). */
  synchronized boolean counts(long nowMs) {
    return nowMs >= countFrom;
  }

  synchronized void record(long sentAt, long receivedAt) {
    if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
    latencies[count++] = Math.max(0, receivedAt - sentAt);
    firstSent = Math.min(firstSent, sentAt);
    lastReceived = Math.max(lastReceived, receivedAt);
  }

  /**
   * Writes the totals and percentiles, with the run's shape and the server's CPU over the delivery
   * window (when the shape watched it), to {@code <bench.out>/<file>}.
   */
  synchronized void write(String file, FanoutShape shape) {
    var sorted = Arrays.copyOf(latencies, count);
    Arrays.sort(sorted);
    double seconds = count == 0 ? 0 : Math.max(1, lastReceived - firstSent) / 1000.0;
    double cores = count == 0 ? -1 : shape.serverCpu.map(cpu -> cpu.coresBetween(firstSent, lastReceived)).orElse(-1.0);
    String summary = shape.describe()
        + "deliveries=" + count + "\nwindowSeconds=" + seconds + "\nserverCores=" + cores
        + "\np50=" + pct(sorted, 50) + "\np95=" + pct(sorted, 95) + "\np99=" + pct(sorted, 99)
        + "\nmax=" + (count == 0 ? -1 : sorted[count - 1]) + "\n";
    try {
      Path out = Path.of(Bench.OUT);
      Files.createDirectories(out);
      Files.writeString(out.resolve(file), summary);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long pct(long[] sorted, double p) {
    if (sorted.length == 0) return -1;
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
