package chatterbox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Prints the one table of a bench/run.sh run from what the run left in its folder: Gatling's
 * simulation.log of each scenario, the transfers phases and the fan-out deliveries the harness
 * recorded, pgbench's output and per-transaction log. JDK only. Exits 1 only when a scenario that
 * ran completed nothing at all (the harness, not the figures, is broken then); figures are never
 * judged.
 */
public final class Report {
  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

  /** Latencies (ms) and the time window of the OK records of one name in a simulation.log. */
  record Samples(long[] sortedMs, long ko, long firstStart, long lastEnd) {
    int ok() { return sortedMs.length; }
    double perSecond() { return ok() == 0 ? 0 : ok() / Math.max(0.001, (lastEnd - firstStart) / 1000.0); }
  }

  /** A fan-out run's delivery figures (one server). */
  record Fanout(double rate, long p50, long p95, long p99) {}

  public static void main(String[] args) throws IOException {
    Path run = Path.of(args[0]);
    var settings = props(run.resolve("settings.properties"));
    var table = new Table();

    Double pgTps = null;
    Path pgOut = run.resolve("pgbench.txt");
    if (Files.exists(pgOut)) {
      var m = TPS.matcher(Files.readString(pgOut));
      if (m.find()) pgTps = Double.parseDouble(m.group(1));
    }

    TransferRows.add(run, table, pgTps);

    var chatterbox = fanout(run, table, "fanout", "chat fan-out", "MESSAGE_CREATED echo");
    var ejabberd = fanout(run, table, "ejabberd", "ejabberd MUC fan-out, XMPP over WebSocket", "groupchat echo");
    if (chatterbox != null && ejabberd != null) {
      table.row("  ChatterBox / ejabberd (same shape, same run)", ratio(chatterbox.rate(), ejabberd.rate()),
          ratio(chatterbox.p50(), ejabberd.p50()), ratio(chatterbox.p95(), ejabberd.p95()),
          ratio(chatterbox.p99(), ejabberd.p99()), "");
    }
    ConnectionsRows.add(run, table);
    ColdRows.add(run, table);

    if (pgTps != null) {
      var lat = pgbenchLatencies(run);
      table.row("pgbench TPC-B (scale " + settings.getProperty("pgbenchScale") + ", "
          + settings.getProperty("pgbenchClients") + " clients)", fmt(pgTps) + " tps",
          pctUs(lat, 50), pctUs(lat, 95), pctUs(lat, 99), "1");
    } else {
      table.notes.add("pgbench: no tps found in pgbench.txt");
      table.brokenIf(true);
    }

    table.reports.add("Logs, pgbench output and this table: " + run);
    table.print("ChatterBox benchmark, " + settings.getProperty("duration") + " s per scenario"
        + ("1".equals(settings.getProperty("smoke")) ? " (SMOKE: proves the harness, figures mean nothing)" : "")
        + ", " + Runtime.getRuntime().availableProcessors() + " CPUs");
    if (table.broken) {
      System.out.println("HARNESS BROKEN: a scenario completed nothing (see the logs above)");
      System.exit(1);
    }
  }

  /**
   * The delivery row and the post row of one fan-out run ({@code <name>-deliveries.properties},
   * written by {@link DeliveryLatencies}), or null if it did not run.
   */
  private static Fanout fanout(Path run, Table table, String name, String label, String echo) throws IOException {
    Path dir = gatlingDir(run, name);
    if (dir == null) return null;
    var d = props(run.resolve(name + "-deliveries.properties"));
    var post = samples(dir.resolve("simulation.log"), "REQUEST", echo);
    long deliveries = Long.parseLong(d.getProperty("deliveries", "0"));
    table.brokenIf(deliveries == 0 || post.ok() == 0);
    double window = Double.parseDouble(d.getProperty("windowSeconds", "0"));
    double rate = window == 0 ? 0 : deliveries / window;
    int members = Integer.parseInt(d.getProperty("members", "0"));
    table.row(label + " (" + d.getProperty("rooms") + " rooms x " + members + " members, "
        + d.getProperty("posters") + " posting every " + d.getProperty("postEveryMs") + " ms): delivery",
        fmt(rate) + " deliveries/s", ms(d.getProperty("p50")), ms(d.getProperty("p95")), ms(d.getProperty("p99")), "-");
    table.row("  post -> own echo", fmt(post.perSecond()) + " posts/s", pct(post, 50), pct(post, 95), pct(post, 99), "");
    long expected = (long) post.ok() * (members - Integer.parseInt(d.getProperty("posters", "0")));
    table.notes.add(name + ": " + post.ok() + " posts OK, " + post.ko() + " failed; " + deliveries + " deliveries recorded of "
        + expected + " expected (posts x listening members); delivery latency max " + d.getProperty("max") + " ms");
    double cores = Double.parseDouble(d.getProperty("serverCores", "-1"));
    if (cores >= 0 && rate > 0) {
      table.notes.add(String.format(Locale.ROOT, "%s: the server used %.2f cores over the delivery window, %.1f us of CPU per delivery",
          name, cores, cores * 1e6 / rate));
    }
    table.reports.add("Gatling report, " + name + ": " + dir.resolve("index.html"));
    return new Fanout(rate, Long.parseLong(d.getProperty("p50", "-1")), Long.parseLong(d.getProperty("p95", "-1")),
        Long.parseLong(d.getProperty("p99", "-1")));
  }

  /** A rate as a share of pgbench's tps of the same run, e.g. "0.054"; "-" without pgbench. */
  static String vsPgbench(double rate, Double pgTps) {
    return pgTps == null ? "-" : String.format(Locale.ROOT, "%.3f", rate / pgTps);
  }

  /** "a / b" as a factor, e.g. "0.85x"; "-" when either is missing. */
  static String ratio(double a, double b) {
    return a < 0 || b <= 0 ? "-" : String.format(Locale.ROOT, "%.2fx", a / b);
  }

  static Path gatlingDir(Path run, String name) throws IOException {
    Path pointer = run.resolve(name + ".gatling-dir");
    return Files.exists(pointer) ? Path.of(Files.readString(pointer).trim()) : null;
  }

  /**
   * Reads a Gatling 3.11 simulation.log (tab-separated): {@code REQUEST group name start end OK|KO msg}
   * and {@code GROUP hierarchy start end cumulated OK|KO}. Latency = end - start.
   */
  static Samples samples(Path log, String type, String name) throws IOException {
    return samples(log, type, name, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /** Like {@link #samples(Path, String, String)}, only the records that ended in [{@code fromMs}, {@code toMs}]. */
  static Samples samples(Path log, String type, String name, long fromMs, long toMs) throws IOException {
    var ms = new ArrayList<Long>();
    long ko = 0, first = Long.MAX_VALUE, last = Long.MIN_VALUE;
    try (Stream<String> lines = Files.lines(log)) {
      for (var line : (Iterable<String>) lines::iterator) {
        if (!line.startsWith(type + "\t")) continue;
        String[] f = line.split("\t", -1);
        long start, end;
        boolean ok;
        if (type.equals("REQUEST")) {
          if (f.length < 6 || !f[2].equals(name)) continue;
          start = Long.parseLong(f[3]);
          end = Long.parseLong(f[4]);
          ok = f[5].equals("OK");
        } else {
          if (f.length < 6 || !f[1].equals(name)) continue;
          start = Long.parseLong(f[2]);
          end = Long.parseLong(f[3]);
          ok = f[5].equals("OK");
        }
        if (end < fromMs || end > toMs) continue;
        if (!ok) { ko++; continue; }
        ms.add(end - start);
        first = Math.min(first, start);
        last = Math.max(last, end);
      }
    }
    long[] sorted = ms.stream().mapToLong(Long::longValue).sorted().toArray();
    return new Samples(sorted, ko, first, last);
  }

  /** Per-transaction latencies (µs) from pgbench -l: "client txn latency_us script epoch us". */
  private static long[] pgbenchLatencies(Path run) throws IOException {
    var all = new ArrayList<Long>();
    try (var files = Files.list(run)) {
      for (var file : (Iterable<Path>) files.filter(p -> p.getFileName().toString().startsWith("pgbench_log"))::iterator) {
        try (var lines = Files.lines(file)) {
          lines.forEach(l -> {
            String[] f = l.trim().split("\\s+");
            if (f.length >= 3) all.add(Long.parseLong(f[2]));
          });
        }
      }
    }
    long[] a = all.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return a;
  }

  static String pct(Samples s, double p) {
    return s.ok() == 0 ? "-" : Long.toString(at(s.sortedMs(), p));
  }

  private static String pctUs(long[] us, double p) {
    return us.length == 0 ? "-" : String.format(Locale.ROOT, "%.1f", at(us, p) / 1000.0);
  }

  private static long at(long[] sorted, double p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static String ms(String v) {
    return v == null || v.equals("-1") ? "-" : v;
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
  }

  static Properties props(Path file) throws IOException {
    var p = new Properties();
    if (Files.exists(file)) try (var r = Files.newBufferedReader(file)) { p.load(r); }
    return p;
  }

}
