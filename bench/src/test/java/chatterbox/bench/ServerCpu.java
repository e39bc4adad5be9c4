package chatterbox.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The CPU time of the server under test (a process on this machine, {@code bench.serverPid}),
 * sampled twice a second, so a fan-out run reports the cores the server used over its delivery
 * window: a figure that moves less with the machine's speed than throughput does, since both
 * sides of an A/B pair deliver the same lines below saturation. Absent when no pid is given or the
 * JDK cannot read that process's CPU time.
 */
final class ServerCpu {

  private record Sample(long atMillis, Duration cpu) {}

  private final ProcessHandle server;
  private final List<Sample> samples = new ArrayList<>();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
    var thread = new Thread(runnable, "server-cpu");
    thread.setDaemon(true);
    return thread;
  });

  private ServerCpu(ProcessHandle server) {
    this.server = server;
    sampler.scheduleAtFixedRate(this::sample, 0, 500, TimeUnit.MILLISECONDS);
  }

  /** Starts sampling the process {@code bench.serverPid}, if set and alive. */
  static Optional<ServerCpu> watchFromProperty() {
    long pid = Long.getLong("bench.serverPid", -1);
    return pid <= 0 ? Optional.empty() : ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ServerCpu::new);
  }

  private void sample() {
    server.info().totalCpuDuration().ifPresent(cpu -> {
      synchronized (samples) {
        samples.add(new Sample(System.currentTimeMillis(), cpu));
      }
    });
  }

  /** Cores used between the samples nearest {@code fromMillis} and {@code toMillis}, or -1 without two. */
  double coresBetween(long fromMillis, long toMillis) {
    synchronized (samples) {
      Sample first = null;
      Sample last = null;
      for (var s : samples) {
        if (first == null && s.atMillis() >= fromMillis) first = s;
        if (s.atMillis() <= toMillis) last = s;
      }
      if (first == null || last == null || last.atMillis() <= first.atMillis()) return -1;
      return (double) last.cpu().minus(first.cpu()).toNanos() / 1e6 / (last.atMillis() - first.atMillis());
    }
  }
}
