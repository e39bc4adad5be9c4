package chatterbox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

import static chatterbox.bench.Report.fmt;
import static chatterbox.bench.Report.pct;
import static chatterbox.bench.Report.samples;

/**
 * The connections scenario's rows: sessions identified and at what rate (Gatling's {@code identify},
 * IDENTIFY to READY), heartbeats while held, and the app's heap and RSS per connection: the growth
 * from after seeding to the plateau ({@code connections-memory.properties}, bench/lib/app-memory.sh)
 * divided by the connections the app reported at the plateau.
 */
final class ConnectionsRows {
  private ConnectionsRows() {}

  static void add(Path run, Table table) throws IOException {
    Path dir = Report.gatlingDir(run, "connections");
    if (dir == null) return;
    Path log = dir.resolve("simulation.log");
    var identify = samples(log, "REQUEST", "READY");
    var heartbeat = samples(log, "REQUEST", "HEARTBEAT_ACK");
    var memory = Report.props(run.resolve("connections-memory.properties"));
    var settings = Report.props(run.resolve("settings.properties"));
    table.brokenIf(identify.ok() == 0);

    table.row("connections (target " + settings.getProperty("connectionsTarget", "?") + "): IDENTIFY -> READY",
        identify.ok() + " sessions, " + fmt(identify.perSecond()) + "/s",
        pct(identify, 50), pct(identify, 95), pct(identify, 99), "-");
    long held = Long.parseLong(memory.getProperty("plateauConnections", "0"));
    table.row("  app heap per connection (after full GC)", perConnection(memory, "Heap", held), "", "", "", "");
    table.row("  app RSS per connection", perConnection(memory, "Rss", held), "", "", "", "");
    table.row("  heartbeat -> ACK while held", fmt(heartbeat.perSecond()) + " beats/s",
        pct(heartbeat, 50), pct(heartbeat, 95), pct(heartbeat, 99), "");
    table.notes.add("connections: " + identify.ok() + " identified, " + identify.ko() + " failed; the app held " + held
        + " connections at the plateau; heap " + mb(memory, "baselineHeapKb") + " -> " + mb(memory, "plateauHeapKb")
        + " MB, RSS " + mb(memory, "baselineRssKb") + " -> " + mb(memory, "plateauRssKb") + " MB; open files limit "
        + settings.getProperty("openFilesLimit", "?"));
    table.reports.add("Gatling report, connections: " + dir.resolve("index.html"));
    Path histogram = run.resolve("connections-histogram.txt");
    if (Files.exists(histogram)) table.reports.add("App heap by class at the plateau: " + histogram);
  }

  /** "12.3 KB" of growth per connection held. */
  private static String perConnection(Properties memory, String what, long held) {
    long before = Long.parseLong(memory.getProperty("baseline" + what + "Kb", "0"));
    long after = Long.parseLong(memory.getProperty("plateau" + what + "Kb", "0"));
    if (held <= 0) return "-";
    return String.format(Locale.ROOT, "%.1f KB", (after - before) / (double) held);
  }

  private static String mb(Properties memory, String key) {
    return String.format(Locale.ROOT, "%.0f", Long.parseLong(memory.getProperty(key, "0")) / 1024.0);
  }
}
