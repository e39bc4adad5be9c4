package chatterbox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;

import static chatterbox.bench.Report.pct;
import static chatterbox.bench.Report.samples;

/**
 * The cold-entity scenario's rows: for each entity {@link ColdSimulation} reads, the cold read (the
 * first after passivation) and the warm one right after; the long-history entity's cold p50 is also
 * given as a factor of the short-history one's, in the ratio column (about 1x: wake-up does not grow
 * with history).
 */
final class ColdRows {
  private ColdRows() {}

  static void add(Path run, Table table) throws IOException {
    Path dir = Report.gatlingDir(run, "cold");
    if (dir == null) return;
    Path log = dir.resolve("simulation.log");
    var seeding = Report.props(run.resolve("cold-seeding.properties"));
    long failed = 0;
    var entities = entities(log);
    for (String entity : entities) {
      var cold = samples(log, "REQUEST", entity + ": cold");
      var warm = samples(log, "REQUEST", entity + ": warm");
      table.brokenIf(cold.ok() == 0);
      failed += cold.ko() + warm.ko();
      String ratio = "";
      String shortOne = shortCounterpart(entity, entities);
      if (shortOne != null) {
        var baseline = samples(log, "REQUEST", shortOne + ": cold");
        ratio = baseline.ok() == 0 || cold.ok() == 0 ? "-" : "p50 " + Report.ratio(at50(cold), at50(baseline)) + " short's";
      }
      table.row("cold wake-up: " + entity, cold.ok() + " wake-ups", pct(cold, 50), pct(cold, 95), pct(cold, 99), ratio);
      table.row("  same, warm", "", pct(warm, 50), pct(warm, 95), pct(warm, 99), "");
    }
    table.notes.add(String.format(Locale.ROOT,
        "cold: seeded %s room events in %s s, %s deposits in %s s (through the gateway and the REST API); "
            + "passivation idle timeout %s ms; %d reads failed",
        seeding.getProperty("historyLines"), seeding.getProperty("historySeconds"), seeding.getProperty("transfers"),
        seeding.getProperty("transferSeconds"), seeding.getProperty("idleMs"), failed));
    table.reports.add("Gatling report, cold: " + dir.resolve("index.html"));
  }

  /** For "room, long history (...)": "room, short history (...)"; null for anything else. */
  private static String shortCounterpart(String entity, LinkedHashSet<String> entities) {
    if (!entity.contains(ColdSimulation.LONG)) return null;
    String kind = entity.substring(0, entity.indexOf(','));
    return entities.stream().filter(e -> e.startsWith(kind + ",") && e.contains(ColdSimulation.SHORT))
        .findFirst().orElse(null);
  }

  private static long at50(Report.Samples s) {
    return Long.parseLong(pct(s, 50));
  }

  /** The entities read, in the order of the log: each request is named "<entity>: cold|warm". */
  private static LinkedHashSet<String> entities(Path log) throws IOException {
    var out = new LinkedHashSet<String>();
    try (var lines = Files.lines(log)) {
      lines.filter(l -> l.startsWith("REQUEST\t")).map(l -> l.split("\t", -1)[2])
          .filter(n -> n.endsWith(": cold")).forEach(n -> out.add(n.substring(0, n.length() - ": cold".length())));
    }
    return out;
  }
}
