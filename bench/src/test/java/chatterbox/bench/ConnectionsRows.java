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
 * IDENTIFY to READY, each waking its user's account, room list and wallet), heartbeats while held,
 * and the app's heap and RSS per connection: the growth from the baseline (after seeding, once the
 * entities it woke have passivated) to the plateau, with the entities the sessions woke, and to the
 * same sessions once those have passivated too ({@code connections-memory.properties},
 * bench/lib/app-memory.sh), each divided by the connections the app reported then.
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
    long heldIdle = Long.parseLong(memory.getProperty("idleConnections", "0"));
    table.row("  app heap per connection, its user's entities awake", perConnection(memory, "plateau", "Heap", held), "", "", "", "");
    table.row("  app heap per connection, after " + settings.getProperty("userEntitiesIdleSeconds", "?")
        + " s idle (entities passivated)", perConnection(memory, "idle", "Heap", heldIdle), "", "", "", "");
    table.row("  app RSS per connection, entities awake", perConnection(memory, "plateau", "Rss", held), "", "", "", "");
    table.row("  heartbeat -> ACK while held", fmt(heartbeat.perSecond()) + " beats/s",
        pct(heartbeat, 50), pct(heartbeat, 95), pct(heartbeat, 99), "");
    table.notes.add("connections: " + identify.ok() + " identified, " + identify.ko() + " failed; the app held " + held
        + " connections at the plateau and " + heldIdle + " after the idle wait; heap (after a full GC) "
        + mb(memory, "baselineHeapKb") + " -> " + mb(memory, "plateauHeapKb") + " -> " + mb(memory, "idleHeapKb")
        + " MB, RSS " + mb(memory, "baselineRssKb") + " -> " + mb(memory, "plateauRssKb") + " MB; open files limit "
        + settings.getProperty("openFilesLimit", "?"));
    table.reports.add("Gatling report, connections: " + dir.resolve("index.html"));
    Path histogram = run.resolve("connections-histogram.txt");
    if (Files.exists(histogram)) table.reports.add("App heap by class at the plateau: " + histogram);
    Path idleHistogram = run.resolve("connections-histogram-idle.txt");
    if (Files.exists(idleHistogram)) table.reports.add("App heap by class after the idle wait: " + idleHistogram);
  }

  /** "12.3 KB" of growth from the baseline to {@code when} per connection held then. */
  private static String perConnection(Properties memory, String when, String what, long held) {
    long before = Long.parseLong(memory.getProperty("baseline" + what + "Kb", "0"));
    long after = Long.parseLong(memory.getProperty(when + what + "Kb", "0"));
    if (held <= 0) return "-";
    return String.format(Locale.ROOT, "%.1f KB", (after - before) / (double) held);
  }

  private static String mb(Properties memory, String key) {
    return String.format(Locale.ROOT, "%.0f", Long.parseLong(memory.getProperty(key, "0")) / 1024.0);
  }
}
