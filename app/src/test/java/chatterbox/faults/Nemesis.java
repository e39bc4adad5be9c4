package chatterbox.faults;

import chatterbox.testing.AppNodeProcess;
import chatterbox.testing.ClusterChecks;
import chatterbox.testing.DefinitePayment;
import chatterbox.testing.Eventually;
import chatterbox.testing.Users;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Injects faults into the lab's cluster, one at a time, and measures how long the users whose
 * wallet or account lived on the victim wait for their first successful transfer afterwards. After
 * each fault the cluster is healed (partitions removed, dead nodes restarted) and the next fault
 * waits until all nodes are members again.
 */
final class Nemesis {

  enum Fault { KILL, PAUSE, PARTITION }

  /** One injected fault: what, to whom, when, and the recovery times it caused (ms per affected user). */
  record Injection(Fault fault, String victim, Instant at, int affectedUsers, List<Long> recoveryMillis,
                   int locked, int unrecovered, FaultTimeline timeline, String slowestAttempts) {}

  private static final int NUMBER_OF_SHARDS = com.typesafe.config.ConfigFactory.parseResources("chatterbox.conf")
      .resolve().getInt("akka.cluster.sharding.number-of-shards"); // what the nodes use
  private static final Duration HOLD = Duration.ofSeconds(15); // longer than failure detection + stable-after
  private static final Duration PROBE_LIMIT = Duration.ofSeconds(120);
  private static final Duration REJOIN_LIMIT = Duration.ofSeconds(240);

  private final NetworkLab lab;
  private final List<AppNodeProcess> nodes;
  private final List<Users.LoggedIn> users;
  private final Random random;
  private final List<AppNodeProcess> live;
  private final List<Fault> firstRound;
  final Queue<Injection> injections = new ConcurrentLinkedQueue<>();
  /** The probes' payments, checked like the workload's. */
  final Queue<BankWorkload.Outcome> probeOutcomes = new ConcurrentLinkedQueue<>();
  final List<String> log = new CopyOnWriteArrayList<>();

  Nemesis(NetworkLab lab, List<AppNodeProcess> nodes, List<Users.LoggedIn> users, long seed) {
    this.lab = lab;
    this.nodes = nodes;
    this.users = users;
    this.random = new Random(seed);
    this.live = new CopyOnWriteArrayList<>(nodes);
    var kinds = new ArrayList<>(List.of(Fault.values()));
    java.util.Collections.shuffle(kinds, random);
    this.firstRound = List.copyOf(kinds);
  }

  /** The nodes clients should use: those not known to be dead (a paused or cut-off node is still listed). */
  List<AppNodeProcess> live() {
    return List.copyOf(live);
  }

  /** The next fault: each kind once in a shuffled order first, then any at random. */
  Fault pick(int index) {
    return index < firstRound.size() ? firstRound.get(index) : Fault.values()[random.nextInt(Fault.values().length)];
  }

  void inject(Fault fault) {
    var victimIndex = random.nextInt(nodes.size());
    var victim = nodes.get(victimIndex);
    var affected = affectedUsers(victim);
    var at = Instant.now();
    long start = System.nanoTime();
    note(fault + " " + victim.name + " (" + affected.size() + " users' wallet or account there)");
    switch (fault) {
      case KILL -> {
        victim.kill();
        live.remove(victim);
      }
      case PAUSE -> victim.pause();
      case PARTITION -> lab.isolate(lab.hosts().get(victimIndex));
    }
    var probes = new Probes(affected, start);
    Eventually.pause(HOLD);
    switch (fault) {
      case KILL -> note("restart " + victim.name);
      case PAUSE -> {
        victim.resume();
        note("resume " + victim.name);
      }
      case PARTITION -> {
        lab.heal();
        note("heal the partition");
      }
    }
    healAll();
    var survivorLogs = nodes.stream().filter(node -> node != victim).map(AppNodeProcess::log).toList();
    injections.add(probes.finish(fault, victim.name, at, FaultTimeline.read(survivorLogs, at, Instant.now())));
  }

  /**
   * Restarts every node that is not running and waits until all are members. A node that was
   * downed while paused or cut off finds out only after it resumes or reconnects, and then exits:
   * it is restarted when it does.
   */
  void healAll() {
    Eventually.await(REJOIN_LIMIT, () -> {
      for (var node : nodes) {
        if (!node.isAlive()) {
          note("start " + node.name);
          node.start();
        }
      }
      return ClusterChecks.upMembers(nodes.get(0)) == nodes.size() && nodes.stream().allMatch(AppNodeProcess::isAlive)
          && nodes.stream().allMatch(n -> ClusterChecks.upMembers(n) == nodes.size());
    }, allUp -> allUp);
    nodes.forEach(node -> ClusterChecks.awaitHttp(node, REJOIN_LIMIT));
    for (var node : nodes) if (!live.contains(node)) live.add(node);
    note("all " + nodes.size() + " nodes up");
  }

  /** Users whose wallet or account shard is on {@code node} now. */
  private List<Users.LoggedIn> affectedUsers(AppNodeProcess node) {
    Set<String> shards = new HashSet<>(ClusterChecks.localShards(node, "Wallet"));
    var accountShards = new HashSet<>(ClusterChecks.localShards(node, "Account"));
    return users.stream().filter(u -> shards.contains(shardOf(u.username())) || accountShards.contains(shardOf(u.username())))
        .toList();
  }

  static String shardOf(String entityId) {
    return Integer.toString(Math.abs(entityId.hashCode() % NUMBER_OF_SHARDS));
  }

  /**
   * For each affected user, pays one cent to another user from the moment of the fault until a
   * payment completes; the time to that completion is the user's recovery time. The probes run
   * while the fault lasts and after; {@link #finish()} waits for them.
   */
  private final class Probes {
    private final ExecutorService pool;
    private final List<Future<?>> running = new ArrayList<>();
    private final Queue<Long> recovered = new ConcurrentLinkedQueue<>();
    /** The requests of the user who recovered last, as "node +start s: outcome (took s)". */
    private volatile long slowest = -1;
    private volatile String slowestAttempts = "-";
    private final java.util.concurrent.atomic.AtomicInteger locked = new java.util.concurrent.atomic.AtomicInteger();
    private final int count;
    private final long faultNanos;

    Probes(List<Users.LoggedIn> affected, long faultNanos) {
      count = affected.size();
      this.faultNanos = faultNanos;
      pool = Executors.newFixedThreadPool(Math.max(1, count));
      for (int i = 0; i < count; i++) {
        var user = affected.get(i);
        var payee = users.get((users.indexOf(user) + 1) % users.size());
        var id = "probe-" + faultNanos + "-" + i;
        running.add(pool.submit(() -> {
          var attempts = new ArrayList<DefinitePayment.Attempt>();
          var reply = DefinitePayment.send(DefinitePayment.body(id, payee.username(), 1, user.person().pin()),
              user.token(), Nemesis.this::live, Duration.ofSeconds(5), PROBE_LIMIT, attempts::add);
          int status = reply == null ? 0 : reply.status();
          if (status == 201) {
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultNanos);
            recovered.add(took);
            noteIfSlowest(took, attempts);
          }
          if (status == 423) locked.incrementAndGet(); // the workload's wrong PINs locked this user: no figure
          probeOutcomes.add(new BankWorkload.Outcome(id, user.username(), payee.username(), 1, false, status));
        }));
      }
      pool.shutdown();
    }

    private synchronized void noteIfSlowest(long took, List<DefinitePayment.Attempt> attempts) {
      if (took <= slowest) return;
      slowest = took;
      var out = new StringBuilder();
      for (var attempt : attempts) {
        out.append(out.isEmpty() ? "" : ", ").append(String.format("%s +%.1f: %s (%.1f)", attempt.node(),
            (attempt.startNanos() - faultNanos) / 1e9, attempt.outcome(), (attempt.endNanos() - attempt.startNanos()) / 1e9));
      }
      slowestAttempts = out.toString();
    }

    Injection finish(Fault fault, String victim, Instant at, FaultTimeline timeline) {
      for (var probe : running) {
        try {
          probe.get();
        } catch (Exception e) {
          throw new IllegalStateException("a probe failed", e);
        }
      }
      var millis = new ArrayList<>(recovered);
      java.util.Collections.sort(millis);
      return new Injection(fault, victim, at, count, millis, locked.get(), count - millis.size() - locked.get(),
          timeline, slowestAttempts);
    }
  }

  private void note(String line) {
    var entry = Instant.now() + " " + line;
    log.add(entry);
    System.out.println("[nemesis] " + entry);
  }
}
