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
 * simulation.log of each scenario, the fan-out deliveries the harness recorded, pgbench's output
 * and per-transaction log. JDK only. Exits 1 only when a scenario that ran completed nothing at all
 * (the harness, not the figures, is broken then); figures are never judged.
 */
public final class Report {
  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

  private record Row(String scenario, String throughput, double rate, String p50, String p95, String p99, String ratio) {}

  /** Latencies (ms) and the time window of the OK records of one name in a simulation.log. */
  private record Samples(long[] sortedMs, long ko, long firstStart, long lastEnd) {
    int ok() { return sortedMs.length; }
    double perSecond() { return ok() == 0 ? 0 : ok() / Math.max(0.001, (lastEnd - firstStart) / 1000.0); }
  }

  public static void main(String[] args) throws IOException {
    Path run = Path.of(args[0]);
    var settings = props(run.resolve("settings.properties"));
    boolean broken = false;
    var rows = new ArrayList<Row>();
    var notes = new ArrayList<String>();

    Double pgTps = null;
    Path pgOut = run.resolve("pgbench.txt");
    if (Files.exists(pgOut)) {
      var m = TPS.matcher(Files.readString(pgOut));
      if (m.find()) pgTps = Double.parseDouble(m.group(1));
    }

    Path transfersDir = gatlingDir(run, "transfers");
    if (transfersDir != null) {
      var s = samples(transfersDir.resolve("simulation.log"), "GROUP", "transfer");
      if (s.ok() == 0) broken = true;
      double rate = s.perSecond();
      rows.add(new Row("transfers (" + settings.getProperty("transferUsers", "?") + " users, /send+CONFIRM->receipt)",
          fmt(rate) + " transfers/s", rate, pct(s, 50), pct(s, 95), pct(s, 99),
          pgTps == null ? "-" : String.format(Locale.ROOT, "%.3f", rate / pgTps)));
      notes.add("transfers: " + s.ok() + " completed, " + s.ko() + " failed");
      var send = samples(transfersDir.resolve("simulation.log"), "REQUEST", "TRANSFER_PIN_REQUIRED");
      var confirm = samples(transfersDir.resolve("simulation.log"), "REQUEST", "TRANSFER_RECEIPT");
      rows.add(new Row("  of which /send -> PIN_REQUIRED", "", 0, pct(send, 50), pct(send, 95), pct(send, 99), ""));
      rows.add(new Row("  of which CONFIRM -> RECEIPT", "", 0, pct(confirm, 50), pct(confirm, 95), pct(confirm, 99), ""));
    }

    Path fanoutDir = gatlingDir(run, "fanout");
    if (fanoutDir != null) {
      var d = props(run.resolve("fanout-deliveries.properties"));
      var post = samples(fanoutDir.resolve("simulation.log"), "REQUEST", "MESSAGE_CREATED echo");
      long deliveries = Long.parseLong(d.getProperty("deliveries", "0"));
      if (deliveries == 0 || post.ok() == 0) broken = true;
      double window = Double.parseDouble(d.getProperty("windowSeconds", "0"));
      double rate = window == 0 ? 0 : deliveries / window;
      int members = Integer.parseInt(d.getProperty("members", "0"));
      rows.add(new Row("chat fan-out (" + d.getProperty("rooms") + " rooms x " + members + " members, "
          + d.getProperty("posters") + " posting every " + d.getProperty("postEveryMs") + " ms): delivery",
          fmt(rate) + " deliveries/s", rate, ms(d.getProperty("p50")), ms(d.getProperty("p95")), ms(d.getProperty("p99")), "-"));
      rows.add(new Row("  post -> own echo", fmt(post.perSecond()) + " posts/s", 0, pct(post, 50), pct(post, 95), pct(post, 99), ""));
      long expected = (long) post.ok() * (members - Integer.parseInt(d.getProperty("posters", "0")));
      notes.add("fan-out: " + post.ok() + " posts OK, " + post.ko() + " failed; " + deliveries + " deliveries recorded of "
          + expected + " expected (posts x listening members); delivery latency max " + d.getProperty("max") + " ms");
    }

    if (pgTps != null) {
      var lat = pgbenchLatencies(run);
      rows.add(new Row("pgbench TPC-B (scale " + settings.getProperty("pgbenchScale") + ", "
          + settings.getProperty("pgbenchClients") + " clients)", fmt(pgTps) + " tps", pgTps,
          pctUs(lat, 50), pctUs(lat, 95), pctUs(lat, 99), "1"));
    } else {
      notes.add("pgbench: no tps found in pgbench.txt");
      broken = true;
    }

    String[] head = {"scenario", "throughput", "p50 ms", "p95 ms", "p99 ms", "ratio vs pgbench tps"};
    int[] w = new int[head.length];
    for (int i = 0; i < head.length; i++) w[i] = head[i].length();
    for (var r : rows) {
      String[] c = cells(r);
      for (int i = 0; i < c.length; i++) w[i] = Math.max(w[i], c[i].length());
    }
    System.out.println();
    System.out.println("ChatterBox benchmark, " + settings.getProperty("duration") + " s per scenario"
        + ("1".equals(settings.getProperty("smoke")) ? " (SMOKE: proves the harness, figures mean nothing)" : "")
        + ", " + Runtime.getRuntime().availableProcessors() + " CPUs");
    line(head, w);
    var sep = new String[head.length];
    for (int i = 0; i < w.length; i++) sep[i] = "-".repeat(w[i]);
    line(sep, w);
    for (var r : rows) line(cells(r), w);
    System.out.println();
    notes.forEach(n -> System.out.println("  " + n));
    System.out.println();
    if (transfersDir != null) System.out.println("Gatling report, transfers: " + transfersDir.resolve("index.html"));
    if (fanoutDir != null) System.out.println("Gatling report, fan-out:   " + fanoutDir.resolve("index.html"));
    System.out.println("Logs, pgbench output and this table: " + run);
    if (broken) {
      System.out.println("HARNESS BROKEN: a scenario completed nothing (see the logs above)");
      System.exit(1);
    }
  }

  private static String[] cells(Row r) {
    return new String[] {r.scenario(), r.throughput(), r.p50(), r.p95(), r.p99(), r.ratio()};
  }

  private static void line(String[] c, int[] w) {
    var sb = new StringBuilder();
    for (int i = 0; i < c.length; i++) {
      if (i > 0) sb.append(" | ");
      sb.append(i == 0 ? String.format("%-" + w[i] + "s", c[i]) : String.format("%" + w[i] + "s", c[i]));
    }
    System.out.println(sb);
  }

  private static Path gatlingDir(Path run, String name) throws IOException {
    Path pointer = run.resolve(name + ".gatling-dir");
    return Files.exists(pointer) ? Path.of(Files.readString(pointer).trim()) : null;
  }

  /**
   * Reads a Gatling 3.11 simulation.log (tab-separated): {@code REQUEST group name start end OK|KO msg}
   * and {@code GROUP hierarchy start end cumulated OK|KO}. Latency = end - start.
   */
  static Samples samples(Path log, String type, String name) throws IOException {
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

  private static String pct(Samples s, double p) {
    return s.ok() == 0 ? "-" : Long.toString(at(s.sortedMs(), p));
  }

  private static String pctUs(long[] us, double p) {
    return us.length == 0 ? "-" : String.format(Locale.ROOT, "%.1f", at(us, p) / 1000.0);
  }

  private static long at(long[] sorted, double p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static String ms(String v) {
    return v == null || v.equals("-1") ? "-" : v;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
  }

  private static Properties props(Path file) throws IOException {
    var p = new Properties();
    if (Files.exists(file)) try (var r = Files.newBufferedReader(file)) { p.load(r); }
    return p;
  }

}
