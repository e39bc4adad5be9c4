package chatterbox.faults;

import chatterbox.platform.persistence.Database;
import chatterbox.platform.testing.TestPostgres;
import chatterbox.testing.ApiClient;
import chatterbox.testing.AppNodeProcess;
import chatterbox.testing.Chatter;
import chatterbox.testing.ClusterChecks;
import chatterbox.testing.Eventually;
import chatterbox.testing.JvmProcess;
import chatterbox.testing.TestPeople;
import chatterbox.testing.Users;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static chatterbox.testing.TestStack.OPERATOR_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jepsen's bank workload against three app nodes, each in its own network namespace, with KYC and
 * PostgreSQL reachable from all: funded wallets, clients on every node paying at random (some with
 * wrong PINs, some retried with the same id) and chatting, while a seeded nemesis kills nodes
 * (SIGKILL), pauses them (SIGSTOP beyond the failure detector) and cuts one off from the others
 * (iptables) while it still reaches the database. Afterwards: money conserved at every read of the
 * journal, no balance ever negative, every acknowledged transfer applied exactly once and every
 * refused one never, every acknowledged message once in one order, one writer per entity at a
 * time; and a report with the recovery times.
 *
 * <p>The CI run injects each fault once; the full run ({@code -Dbank.full=true}, see
 * docs/security.md) keeps injecting for {@code bank.duration} (default 10 min) and until
 * {@code bank.min-transfers} (default 10,000) transfers have a definite outcome.
 */
class BankTest {

  private static final boolean FULL = Boolean.getBoolean("bank.full");
  private static final int USERS = Integer.getInteger("bank.users", 100);
  private static final int PAYERS = Integer.getInteger("bank.payers", FULL ? 12 : 6);
  private static final Duration DURATION = Duration.ofSeconds(Long.getLong("bank.duration", FULL ? 600 : 0));
  private static final long MIN_TRANSFERS = Long.getLong("bank.min-transfers", FULL ? 10_000 : 0);
  private static final long SEED = Long.getLong("bank.seed", System.nanoTime());
  private static final long FUNDING = 900_00; // deposited to each user on top of the sign-up grant
  private static final Path DIR = Path.of("target", "bank-test");

  private static Database appDb;
  private static Database kycDb;
  private static NetworkLab lab;
  private static TcpRelay relay;
  private static JvmProcess kyc;
  private static List<AppNodeProcess> nodes = List.of();

  @BeforeAll
  static void startLab() throws Exception {
    var missing = NetworkLab.unavailableBecause();
    Assumptions.assumeTrue(missing == null, () -> "bank test skipped: " + missing);
    Files.createDirectories(DIR);
    appDb = TestPostgres.freshDatabase("bank");
    kycDb = TestPostgres.freshDatabase("bankkyc");
    lab = NetworkLab.create(3);
    var bridge = NetworkLab.bridgeAddress();
    var postgres = URI.create(appDb.url().substring("jdbc:".length()));
    relay = TcpRelay.start(bridge, 0, new InetSocketAddress(postgres.getHost(), postgres.getPort()));
    var relayed = new Database(appDb.url().replace(postgres.getHost() + ":" + postgres.getPort(), bridge + ":" + relay.port()),
        appDb.user(), appDb.password(), appDb.schema(), appDb.poolSize());
    int kycPort = 18_481;
    kyc = new JvmProcess(List.of(), "256m", Map.of(
        "kyc.http.host", bridge, "kyc.http.port", Integer.toString(kycPort),
        "kyc.db.url", kycDb.url(), "kyc.db.user", kycDb.user(), "kyc.db.password", kycDb.password(),
        "kyc.db.schema", kycDb.schema(), "akka.remote.artery.canonical.port", "0",
        "akka.management.http.port", "0"), "chatterbox.kyc.KycMain", Map.of(), DIR.resolve("kyc.log"));
    kyc.start();
    var placements = new ArrayList<AppNodeProcess.Placement>();
    for (int i = 0; i < lab.hosts().size(); i++) {
      var host = lab.hosts().get(i);
      placements.add(new AppNodeProcess.Placement("node" + (i + 1), host.address(), host.launcher(), 8080, 25520, 8558));
    }
    nodes = AppNodeProcess.cluster(placements, relayed, "http://" + bridge + ":" + kycPort, DIR);
    nodes.get(0).start(); // the first runs the migrations; the others start on a ready schema
    ClusterChecks.awaitHttp(nodes.get(0), Duration.ofSeconds(120));
    nodes.get(1).start();
    nodes.get(2).start();
    ClusterChecks.awaitMembers(nodes.get(0), 3, nodes, Duration.ofSeconds(120));
  }

  @AfterAll
  static void stopLab() {
    nodes.forEach(AppNodeProcess::close);
    if (kyc != null) kyc.close();
    if (relay != null) relay.close();
    if (lab != null) lab.close();
    if (appDb != null) TestPostgres.drop(appDb);
    if (kycDb != null) TestPostgres.drop(kycDb);
  }

  @Test
  void moneyAndMessagesSurviveKillsPausesAndPartitions() throws Exception {
    System.out.println("[bank] seed " + SEED + (FULL ? " (full run)" : " (CI run)"));
    var users = seedUsers();
    long deposits = (long) USERS * (FUNDING + 100_00);
    var funded = JournalBook.read(appDb);
    assertEquals(-deposits, funded.treasury(), "the treasury paid out every grant and deposit");
    assertEquals(deposits, funded.userBalances());

    var reads = new JournalReads(deposits);
    var nemesis = new Nemesis(lab, nodes, users, SEED);
    var workload = new BankWorkload(users, nemesis::live, SEED);
    var chatters = new ArrayList<Chatter>();
    for (int i = 0; i < nodes.size(); i++) {
      var chatter = new Chatter(users.get(i), nodes.get(i), BankWorkload.beat());
      chatter.connect();
      chatters.add(chatter);
    }
    long started = System.nanoTime();
    workload.start(PAYERS, chatters);
    reads.start();
    Eventually.pause(Duration.ofSeconds(5));
    for (int i = 0; ; i++) {
      nemesis.inject(nemesis.pick(i));
      Eventually.pause(Duration.ofSeconds(5));
      boolean everyKindOnce = i >= Nemesis.Fault.values().length - 1;
      boolean longEnough = System.nanoTime() - started >= DURATION.toNanos();
      if (everyKindOnce && longEnough && workload.definiteTransfers() >= MIN_TRANSFERS) break;
    }
    workload.stop();
    long workloadNanos = System.nanoTime() - started;
    reads.stop();

    // Settle: every saga finished, the read models caught up.
    var reader = nodes.get(0).api();
    JournalBook settled;
    try {
      settled = Eventually.await(Duration.ofSeconds(120), () -> JournalBook.read(appDb),
          book -> book.openHolds() == 0 && book.inTransit() == 0);
    } catch (AssertionError unsettled) {
      JournalBook.read(appDb).dumpOpen(appDb, DIR.resolve("open-holds.txt")); // the schema goes with the run
      throw unsettled;
    }
    var ledger = Eventually.await(Duration.ofSeconds(120), () -> reader.get("/api/admin/ledger", OPERATOR_TOKEN),
        r -> r.status() == 200 && r.body().path("balanced").asBoolean() && r.body().path("transfersUnfinished").asLong() == 0);

    var outcomes = new ArrayList<>(workload.outcomes);
    outcomes.addAll(nemesis.probeOutcomes);
    var report = new BankReport(SEED, FULL, workloadNanos, outcomes, workload.acknowledgedMessages.size(),
        List.copyOf(nemesis.injections), nemesis.log, reads.count.get(), List.copyOf(reads.violations));
    var history = ClusterChecks.roomHistory(reader, users.get(0).token(), "general");
    var doubleWriters = ClusterChecks.entitiesWrittenByTwoWritersAtOnce(appDb);
    var exactlyOnce = ExactlyOnce.check(settled, outcomes);
    report.add("transfers applied other than acknowledged", exactlyOnce);
    report.add("retried ids answered differently", workload.inconsistencies.stream().map(Object::toString).toList());
    report.add("entities written by two writers at once", doubleWriters);
    report.add("balances below zero in the journal", settled.negatives);
    report.add("client failures", workload.failures.stream().map(Throwable::toString).toList());
    report.print(DIR.resolve("report.txt"));

    assertEquals(List.of(), workload.failures.stream().map(Throwable::toString).toList(), "clients ran to the end");
    assertEquals(List.of(), List.copyOf(reads.violations), "money conserved at every read");
    assertEquals(List.of(), settled.negatives, "no balance ever negative");
    assertTrue(settled.conserved() && settled.treasury() == -deposits, "conserved after settling");
    assertEquals(List.of(), exactlyOnce, "acknowledged transfers applied once, refused ones never");
    assertEquals(List.of(), List.copyOf(workload.inconsistencies), "a retried id gets the first answer");
    assertEquals(List.of(), doubleWriters, "one writer per entity at a time");
    assertTrue(report.completed() > 0, "transfers completed");
    ClusterChecks.assertEachOnceInOneOrder(history, workload.acknowledgedMessages);
    // The product's own read paths agree with the journal.
    assertEquals(settled.userBalances(), cents(ledger.body().path("userWallets").asText()), "the ledger's user wallets");
    for (var user : users) {
      assertEquals(settled.balances.getOrDefault(user.username(), 0L).longValue(), cents(Users.balance(reader, user)),
          user.username());
    }
  }

  private static long cents(String amount) {
    return new java.math.BigDecimal(amount).movePointRight(2).longValueExact();
  }

  /** Signs up {@code USERS} people through all nodes and funds each with an audited deposit. */
  private static List<Users.LoggedIn> seedUsers() throws Exception {
    var pool = Executors.newFixedThreadPool(6);
    var users = Collections.synchronizedList(new ArrayList<Users.LoggedIn>());
    var futures = new ArrayList<java.util.concurrent.Future<?>>();
    for (int i = 0; i < USERS; i++) {
      var node = nodes.get(i % nodes.size());
      futures.add(pool.submit(() -> {
        // Three JVMs warming up on two cores may answer 503 (retry); each request is safe to repeat.
        var api = node.api();
        var person = TestPeople.person(TestPeople.uniqueName("bank"));
        // 409 only when an earlier attempt that got no answer did create the account; the login proves it.
        untilNot503(() -> api.post("/api/users", person.signUpBody(), null), 201, 409);
        var login = untilNot503(() -> api.post("/api/sessions", person.loginBody(), null), 201);
        untilNot503(() -> api.post("/api/admin/deposits", Map.of("depositId", "fund-" + person.username(),
            "username", person.username(), "amount", "900.00"), OPERATOR_TOKEN), 201);
        users.add(new Users.LoggedIn(person, login.text("token")));
      }));
    }
    for (var future : futures) future.get(5, TimeUnit.MINUTES);
    pool.shutdown();
    // Every grant and deposit is booked before the workload starts.
    Eventually.await(Duration.ofSeconds(60), () -> JournalBook.read(appDb), book -> book.openHolds() == 0);
    var sorted = new ArrayList<>(users);
    sorted.sort(java.util.Comparator.comparing(Users.LoggedIn::username));
    return sorted;
  }

  private static ApiClient.Reply untilNot503(java.util.function.Supplier<ApiClient.Reply> request, Integer... expected) {
    var reply = Eventually.await(Duration.ofSeconds(90), () -> {
      try {
        return request.get();
      } catch (RuntimeException overloaded) {
        return null; // no answer in time: ask again
      }
    }, r -> r != null && r.status() != 503);
    assertTrue(List.of(expected).contains(reply.status()), reply.toString());
    return reply;
  }

  /** Reads the whole journal every second while the workload runs and records every read that breaks the books. */
  private static final class JournalReads {
    final AtomicLong count = new AtomicLong();
    final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final long deposits;
    private Thread thread;

    JournalReads(long deposits) {
      this.deposits = deposits;
    }

    void start() {
      thread = new Thread(() -> {
        while (running.get()) {
          var book = JournalBook.read(appDb);
          count.incrementAndGet();
          if (!book.conserved() || book.treasury() != -deposits) {
            violations.add("read " + count.get() + ": users " + book.userBalances() + " + in transit " + book.inTransit()
                + " + treasury " + book.treasury() + " != 0 (deposits " + deposits + ")");
          }
          if (!book.negatives.isEmpty()) violations.add("read " + count.get() + ": negative " + book.negatives);
          Eventually.pause(Duration.ofSeconds(1));
        }
      }, "bank-journal-reads");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }
}
