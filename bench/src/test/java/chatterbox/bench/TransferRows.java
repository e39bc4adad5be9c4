package chatterbox.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Locale;

import static chatterbox.bench.Report.fmt;
import static chatterbox.bench.Report.pct;

/**
 * The transfers scenario's rows: the ladder's peak level and the half-of-peak phase, each with its
 * completed transfers/s, /send -> receipt latency and its two halves, and the ratio to pgbench's tps
 * of the same run. Each window {@link TransferPhases} names is recounted from Gatling's
 * simulation.log: a transfer counts when its receipt arrives in the window. The ladder's levels and
 * whether the half-of-peak p99 meets issue 6's goal go to the notes.
 */
final class TransferRows {
  /** Issue 6: p99 of a transfer at most 100 ms at half of the peak load. */
  private static final long GOAL_P99_MS = 100;

  private TransferRows() {}

  /** One window's transfers (OK and KO groups) and the two halves of the OK ones. */
  private record Measured(TransferWindow window, Report.Samples transfers, Report.Samples send, Report.Samples confirm) {
    double rate() {
      return transfers.ok() / window.seconds();
    }
  }

  static void add(Path run, Table table, Double pgTps) throws IOException {
    Path dir = Report.gatlingDir(run, "transfers");
    if (dir == null) return;
    table.reports.add("Gatling report, transfers: " + dir.resolve("index.html"));
    Path log = dir.resolve("simulation.log");
    var phases = TransferPhases.read(run);
    if (phases == null || phases.peak() == null) {
      table.notes.add("transfers: no ladder level measured (" + TransferPhases.FILE + " missing or empty)");
      table.brokenIf(true);
      return;
    }
    if (!phases.error().isEmpty()) {
      table.notes.add("transfers: cut short by " + phases.error());
      table.brokenIf(true);
    }
    var peak = measure(log, phases.peak());
    table.brokenIf(peak.transfers().ok() == 0);
    rows(table, "transfers at peak (" + peak.window().users() + " users, closed loop, /send+CONFIRM->receipt)", peak, pgTps);
    if (phases.half() != null) {
      var half = measure(log, phases.half());
      rows(table, "transfers at half of peak (offered " + fmt(phases.half().offeredPerSecond()) + "/s, "
          + phases.half().users() + " users paced)", half, pgTps);
      table.notes.add(goal(half));
    } else {
      table.notes.add("transfers: the half-of-peak phase did not run");
      table.brokenIf(true);
    }
    table.notes.add(ladder(log, phases));
  }

  private static Measured measure(Path log, TransferWindow w) throws IOException {
    return new Measured(w, Report.samples(log, "GROUP", "transfer", w.fromMs(), w.toMs()),
        Report.samples(log, "REQUEST", "TRANSFER_PIN_REQUIRED", w.fromMs(), w.toMs()),
        Report.samples(log, "REQUEST", "TRANSFER_RECEIPT", w.fromMs(), w.toMs()));
  }

  private static void rows(Table table, String label, Measured m, Double pgTps) {
    var t = m.transfers();
    table.row(label, fmt(m.rate()) + " transfers/s", pct(t, 50), pct(t, 95), pct(t, 99), Report.vsPgbench(m.rate(), pgTps));
    table.row("  of which /send -> PIN_REQUIRED", "", pct(m.send(), 50), pct(m.send(), 95), pct(m.send(), 99), "");
    table.row("  of which CONFIRM -> RECEIPT", "", pct(m.confirm(), 50), pct(m.confirm(), 95), pct(m.confirm(), 99), "");
  }

  private static String goal(Measured half) {
    var t = half.transfers();
    String p99 = pct(t, 99);
    boolean met = t.ok() > 0 && Long.parseLong(p99) <= GOAL_P99_MS;
    return String.format(Locale.ROOT, "transfers at half of peak: %d completed, %d failed, %.1f/s of %.1f/s offered; "
            + "p99 %s ms %s issue 6's goal (p99 <= %d ms at half of peak)", t.ok(), t.ko(), half.rate(),
        half.window().offeredPerSecond(), p99, met ? "meets" : "does NOT meet", GOAL_P99_MS);
  }

  /** "transfers ladder (...): 8 users 20.1/s p99 120 ms; 16 users ...; stopped: <reason>". */
  private static String ladder(Path log, TransferPhases phases) throws IOException {
    var levels = new ArrayList<String>();
    for (var level : phases.levels()) {
      var m = measure(log, level);
      levels.add(String.format(Locale.ROOT, "%d users %s/s p99 %s ms%s%s", level.users(), fmt(m.rate()),
          pct(m.transfers(), 99), m.transfers().ko() > 0 ? ", " + m.transfers().ko() + " failed" : "",
          level.equals(phases.peak()) ? " (peak)" : ""));
    }
    return String.format(Locale.ROOT, "transfers ladder (closed loop, %.0f s a level): %s; stopped: %s",
        phases.peak().seconds(), String.join("; ", levels), phases.stopReason());
  }
}
