package chatterbox.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The bank test's printed report: the workload, each fault with its recovery times, and every check. */
final class BankReport {

  private final long seed;
  private final boolean full;
  private final long workloadNanos;
  private final List<BankWorkload.Outcome> outcomes;
  private final int messages;
  private final List<Nemesis.Injection> injections;
  private final List<String> faultLog;
  private final long reads;
  private final Map<String, List<String>> checks = new LinkedHashMap<>();

  BankReport(long seed, boolean full, long workloadNanos, List<BankWorkload.Outcome> outcomes, int messages,
             List<Nemesis.Injection> injections, List<String> faultLog, long reads, List<String> readViolations) {
    this.seed = seed;
    this.full = full;
    this.workloadNanos = workloadNanos;
    this.outcomes = outcomes;
    this.messages = messages;
    this.injections = injections;
    this.faultLog = faultLog;
    this.reads = reads;
    checks.put("journal reads where money was not conserved", readViolations);
  }

  void add(String check, List<String> problems) {
    checks.put(check, problems);
  }

  long completed() {
    return count(201);
  }

  private long count(int status) {
    return outcomes.stream().filter(o -> o.status() == status).count();
  }

  String render() {
    var out = new StringBuilder();
    double seconds = workloadNanos / 1e9;
    out.append(String.format("Bank test report (%s run, seed %d)%n", full ? "full" : "CI", seed));
    out.append(String.format("workload: %.0f s, %d payments with a definite outcome (%.1f/s), %d chat messages acknowledged%n",
        seconds, outcomes.size() - count(0), (outcomes.size() - count(0)) / seconds, messages));
    out.append(String.format("  completed %d, refused for funds %d, wrong PIN %d, locked %d, no definite answer %d; "
            + "sent with a wrong PIN %d%n", count(201), count(422), count(401), count(423), count(0),
        outcomes.stream().filter(BankWorkload.Outcome::wrongPin).count()));
    out.append(String.format("journal read and checked %d times while it ran%n", reads));
    out.append("faults (recovery: fault -> first completed transfer of each user whose wallet or account was on the victim):\n");
    var all = new ArrayList<Long>();
    for (var injection : injections) {
      all.addAll(injection.recoveryMillis());
      out.append(String.format("  %-9s %-6s at %s: %3d users, recovery p50 %s p99 %s max %s, %d locked out, %d never recovered%n",
          injection.fault(), injection.victim(), injection.at(), injection.affectedUsers(),
          seconds(percentile(injection.recoveryMillis(), 50)), seconds(percentile(injection.recoveryMillis(), 99)),
          seconds(percentile(injection.recoveryMillis(), 100)), injection.locked(), injection.unrecovered()));
      out.append(String.format("            survivors logged: %s; first user recovered %s%n", injection.timeline().render(),
          seconds(percentile(injection.recoveryMillis(), 0))));
      out.append(String.format("            the last to recover asked (node +start s: reply (took s)): %s%n",
          injection.slowestAttempts()));
    }
    all.sort(Long::compare);
    out.append(String.format("  all faults: recovery p50 %s, p95 %s, p99 %s (goal <= 25 s), max %s over %d users%n",
        seconds(percentile(all, 50)), seconds(percentile(all, 95)), seconds(percentile(all, 99)),
        seconds(percentile(all, 100)), all.size()));
    out.append("checks:\n");
    checks.forEach((check, problems) -> {
      out.append(String.format("  %-48s %s%n", check, problems.isEmpty() ? "none" : problems.size() + ", e.g. "
          + problems.subList(0, Math.min(3, problems.size()))));
    });
    out.append("fault log:\n");
    faultLog.forEach(line -> out.append("  ").append(line).append('\n'));
    return out.toString();
  }

  void print(Path file) {
    var text = render();
    System.out.println(text);
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) return -1;
    var copy = new ArrayList<>(sorted);
    copy.sort(Long::compare);
    int index = (int) Math.ceil(p / 100.0 * copy.size()) - 1;
    return copy.get(Math.max(0, Math.min(copy.size() - 1, index)));
  }

  private static String seconds(long millis) {
    return millis < 0 ? "-" : String.format("%.1f s", millis / 1000.0);
  }

}
