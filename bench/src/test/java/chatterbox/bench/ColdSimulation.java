package chatterbox.bench;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * Scenario 5, cold entities: how long the first request that needs a passivated entity takes, and
 * whether that depends on the entity's history. Seeded through the product: a room with
 * {@code bench.cold.history} lines and one with 10; a wallet with {@code bench.cold.transfers}
 * deposits and one with only its sign-up grant. After seeding, bench/run.sh restarts the app with a
 * passivation idle timeout of {@code bench.cold.idleMs}; one virtual user then, {@code bench.cold.rounds} times,
 * waits until everything has passivated and reads each entity twice: cold (recovery from snapshot and
 * journal, plus the requester's own account) and at once again warm. Before those, {@code
 * bench.cold.warmupRounds} rounds of cold reads are not counted: right after the restart the code that
 * recovers an entity has run a handful of times and is still interpreted (the first rounds took
 * three to four times as long as the thirtieth), while a node in service recovers entities all the
 * time. Reads: a room's latest line
 * ({@code GET /api/rooms/{id}/messages?limit=1}, its room and the reader's account), a wallet's
 * balance ({@code GET /api/me}: the user's account, wallet and room list at once). Seeding times go
 * to {@code <bench.out>/cold-seeding.properties}.
 */
public class ColdSimulation extends Simulation {
  private static final int SHORT_HISTORY = 10;
  /** How request names tell the long-history entity of a pair from the short one (ColdRows pairs them). */
  static final String LONG = "long history";
  static final String SHORT = "short history";
  /** How the uncounted warm-up reads are named. */
  static final String WARMUP = "warm-up, not counted: ";

  private final int history = Math.max(SHORT_HISTORY, Bench.intProp("bench.cold.history", 1000));
  private final int transfers = Math.max(1, Bench.intProp("bench.cold.transfers", 100));
  private final int rounds = Math.max(1, Bench.intProp("bench.cold.rounds", 3));
  private final int idleMs = Bench.intProp("bench.cold.idleMs", 1000);
  private final int warmupRounds = Math.max(1, Bench.intProp("bench.cold.warmupRounds", 30));
  /** Tokens and room ids by role, filled by {@link #before()}. */
  private final Map<String, Object> seeded = new ConcurrentHashMap<>();

  @Override
  public void before() {
    String run = Bench.RUN_ID;
    var users = Seeder.seed(List.of(
        Map.of("username", "b" + run + "_long", "room", "cold-long-" + run),
        Map.of("username", "b" + run + "_short", "room", "cold-short-" + run),
        Map.of("username", "b" + run + "_busy", "room", "cold-busy-" + run),
        Map.of("username", "b" + run + "_fresh", "room", "cold-fresh-" + run)));
    var times = new HashMap<String, Object>();
    for (var user : users) {
      String role = ((String) user.get("username")).substring(("b" + run + "_").length());
      seeded.put(role + "Token", user.get("token"));
      seeded.put(role + "Room", user.get("room"));
    }
    times.put("historyLines", history);
    times.put("historySeconds", seconds(() -> ColdSeeding.postLines((String) seeded.get("longToken"),
        "b" + run + "_long", (String) seeded.get("longRoom"), history - 1)));
    ColdSeeding.postLines((String) seeded.get("shortToken"), "b" + run + "_short", (String) seeded.get("shortRoom"),
        SHORT_HISTORY - 1);
    times.put("transfers", transfers);
    times.put("transferSeconds", seconds(() -> ColdSeeding.deposits("b" + run + "_busy", transfers)));
    times.put("idleMs", idleMs);
    write(times);
    // A short idle timeout would also passivate entities waiting on a reply mid-flow, so seeding runs
    // on the normal app; bench/run.sh then restarts it with the short timeout (everything cold).
    RunScript.handshake("cold.seeded", "cold.restarted", 300);
  }

  private static String seconds(Runnable work) {
    long started = System.nanoTime();
    work.run();
    return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9);
  }

  private static void write(Map<String, Object> properties) {
    var text = new StringBuilder();
    properties.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    try {
      Files.createDirectories(Path.of(Bench.OUT));
      Files.writeString(Path.of(Bench.OUT, "cold-seeding.properties"), text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** One entity to wake: what it is (the request names), whose token reads it, and how. */
  private record Target(String entity, String role, String path) {}

  private List<Target> targets() {
    return List.of(
        new Target("room, " + LONG + " (" + history + " events)", "long", "/api/rooms/#{longRoom}/messages?limit=1"),
        new Target("room, " + SHORT + " (" + SHORT_HISTORY + " events)", "short", "/api/rooms/#{shortRoom}/messages?limit=1"),
        new Target("wallet, " + LONG + " (" + transfers + " deposits)", "busy", "/api/me"),
        new Target("wallet, " + SHORT + " (sign-up grant only)", "fresh", "/api/me"));
  }

  private static ChainBuilder read(String name, Target target) {
    return exec(http(name).get(target.path()).header("Authorization", "Bearer #{" + target.role() + "Token}")
        .check(status().is(200)));
  }

  private ScenarioBuilder wakeUps() {
    // Sharding checks idleness every half timeout, so an entity stops within 1.5 timeouts of its last use.
    var untilPassivated = Duration.ofMillis(idleMs * 5L / 2 + 500);
    ChainBuilder warmup = pause(untilPassivated);
    ChainBuilder round = pause(untilPassivated);
    for (var target : targets()) {
      // Not reported: they also pay for JIT, connection pools and shard allocation (see the class comment).
      warmup = warmup.exec(read(WARMUP + target.entity(), target));
      round = round.exec(read(target.entity() + ": cold", target), read(target.entity() + ": warm", target));
    }
    return scenario("cold")
        .exec(s -> s.setAll(seeded))
        .repeat(warmupRounds).on(warmup)
        .repeat(rounds).on(round);
  }

  {
    setUp(wakeUps().injectOpen(atOnceUsers(1))).protocols(http.baseUrl(Bench.BASE_URL));
  }
}
