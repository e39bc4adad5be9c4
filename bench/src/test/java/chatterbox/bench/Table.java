package chatterbox.bench;

import java.util.ArrayList;
import java.util.List;

/** The rows and notes of the printed table, as each scenario's section adds them. */
final class Table {
  record Row(String scenario, String throughput, String p50, String p95, String p99, String ratio) {}

  final List<Row> rows = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  /** Gatling HTML reports to point at, one line each. */
  final List<String> reports = new ArrayList<>();
  /** A scenario that ran completed nothing: the harness, not the figures, is broken. */
  boolean broken;

  void row(String scenario, String throughput, String p50, String p95, String p99, String ratio) {
    rows.add(new Row(scenario, throughput, p50, p95, p99, ratio));
  }

  void brokenIf(boolean nothingDone) {
    broken |= nothingDone;
  }

  void print(String title) {
    String[] head = {"scenario", "throughput", "p50 ms", "p95 ms", "p99 ms", "ratio vs pgbench tps"};
    int[] w = new int[head.length];
    for (int i = 0; i < head.length; i++) w[i] = head[i].length();
    for (var r : rows) {
      String[] c = cells(r);
      for (int i = 0; i < c.length; i++) w[i] = Math.max(w[i], c[i].length());
    }
    System.out.println();
    System.out.println(title);
    line(head, w);
    var sep = new String[head.length];
    for (int i = 0; i < w.length; i++) sep[i] = "-".repeat(w[i]);
    line(sep, w);
    for (var r : rows) line(cells(r), w);
    System.out.println();
    notes.forEach(n -> System.out.println("  " + n));
    System.out.println();
    reports.forEach(System.out::println);
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
}
