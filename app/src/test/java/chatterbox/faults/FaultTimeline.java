package chatterbox.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a fault's recovery time went: when the surviving nodes first logged each step of the
 * cluster's reaction (the victim unreachable, downed by the Split Brain Resolver, removed), as
 * offsets from the fault. The rest of a user's recovery time is shard re-allocation, entity
 * recovery and the client's retries. Read from the nodes' logs (lines start with HH:mm:ss.SSS).
 */
record FaultTimeline(Map<String, Optional<Duration>> phases) {

  /** Each phase and the log text that marks it (Akka's own messages). */
  private static final Map<String, String> MARKERS = markers();

  private static Map<String, String> markers() {
    var markers = new LinkedHashMap<String, String>();
    markers.put("unreachable", "Marking node as UNREACHABLE");
    markers.put("downed", "SBR took decision");
    markers.put("removed", "Leader is removing");
    return markers;
  }

  /** The phases logged between {@code faultAt} and {@code healedAt}. */
  static FaultTimeline read(List<Path> survivorLogs, Instant faultAt, Instant healedAt) {
    var window = Duration.between(faultAt, healedAt);
    var phases = new LinkedHashMap<String, Optional<Duration>>();
    MARKERS.forEach((phase, marker) -> phases.put(phase, survivorLogs.stream()
        .map(log -> firstAfter(log, marker, faultAt, window))
        .flatMap(Optional::stream)
        .min(Duration::compareTo)));
    return new FaultTimeline(phases);
  }

  private static Optional<Duration> firstAfter(Path log, String marker, Instant faultAt, Duration window) {
    var start = LocalTime.ofInstant(faultAt, ZoneId.systemDefault());
    try (var lines = Files.lines(log)) {
      return lines.filter(line -> line.contains(marker))
          .map(FaultTimeline::timeOf)
          .flatMap(Optional::stream)
          .map(time -> Duration.between(start, time))
          .filter(offset -> !offset.isNegative() && offset.compareTo(window) <= 0)
          .findFirst();
    } catch (IOException | UncheckedIOException unreadable) {
      return Optional.empty(); // shown as "-": the report must not fail over a log
    }
  }

  private static Optional<LocalTime> timeOf(String line) {
    if (line.length() < 12) return Optional.empty();
    try {
      return Optional.of(LocalTime.parse(line.substring(0, 12)));
    } catch (DateTimeParseException notTimestamped) {
      return Optional.empty();
    }
  }

  /** "unreachable +4.8 s, downed +11.9 s, removed +12.6 s" (a phase no survivor logged shows "-"). */
  String render() {
    var out = new StringBuilder();
    phases.forEach((phase, offset) -> out.append(out.isEmpty() ? "" : ", ").append(phase).append(' ')
        .append(offset.map(d -> String.format("+%.1f s", d.toMillis() / 1000.0)).orElse("-")));
    return out.toString();
  }
}
