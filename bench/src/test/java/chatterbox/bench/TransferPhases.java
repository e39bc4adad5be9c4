package chatterbox.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What the transfers scenario measured when, handed from the simulation to the report in
 * {@code <bench.out>/transfers-phases.properties}: the ladder's levels, which one is the peak and why
 * the ladder stopped, the half-of-peak window (null if it did not run) and the error that cut the
 * scenario short (empty if none).
 */
record TransferPhases(List<TransferWindow> levels, int peakIndex, String stopReason, TransferWindow half, String error) {
  static final String FILE = "transfers-phases.properties";

  TransferWindow peak() {
    return peakIndex < 0 || peakIndex >= levels.size() ? null : levels.get(peakIndex);
  }

  void write(Path dir) throws IOException {
    var p = new Properties();
    p.setProperty("levels", Integer.toString(levels.size()));
    for (int i = 0; i < levels.size(); i++) put(p, "level." + i, levels.get(i));
    p.setProperty("peakIndex", Integer.toString(peakIndex));
    p.setProperty("stopReason", stopReason);
    if (half != null) put(p, "half", half);
    p.setProperty("error", error);
    Files.createDirectories(dir);
    try (Writer w = Files.newBufferedWriter(dir.resolve(FILE))) {
      p.store(w, "transfers scenario: measured windows (epoch ms)");
    }
  }

  /** The phases a run left in {@code dir}, or null if the transfers scenario wrote none. */
  static TransferPhases read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) return null;
    var p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    var levels = new ArrayList<TransferWindow>();
    int count = Integer.parseInt(p.getProperty("levels", "0"));
    for (int i = 0; i < count; i++) levels.add(get(p, "level." + i));
    return new TransferPhases(levels, Integer.parseInt(p.getProperty("peakIndex", "-1")),
        p.getProperty("stopReason", ""), p.containsKey("half.users") ? get(p, "half") : null, p.getProperty("error", ""));
  }

  private static void put(Properties p, String prefix, TransferWindow w) {
    p.setProperty(prefix + ".users", Integer.toString(w.users()));
    p.setProperty(prefix + ".offeredPerSecond", Double.toString(w.offeredPerSecond()));
    p.setProperty(prefix + ".fromMs", Long.toString(w.fromMs()));
    p.setProperty(prefix + ".toMs", Long.toString(w.toMs()));
    p.setProperty(prefix + ".completed", Long.toString(w.completed()));
    p.setProperty(prefix + ".failed", Long.toString(w.failed()));
  }

  private static TransferWindow get(Properties p, String prefix) {
    return new TransferWindow(Integer.parseInt(p.getProperty(prefix + ".users")),
        Double.parseDouble(p.getProperty(prefix + ".offeredPerSecond")),
        Long.parseLong(p.getProperty(prefix + ".fromMs")), Long.parseLong(p.getProperty(prefix + ".toMs")),
        Long.parseLong(p.getProperty(prefix + ".completed")), Long.parseLong(p.getProperty(prefix + ".failed")));
  }
}
