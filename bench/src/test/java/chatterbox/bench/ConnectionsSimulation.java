package chatterbox.bench;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

/**
 * Scenario 4, connections: {@code bench.connections.target} gateway sessions opened at
 * {@code bench.connections.rate} per second, each identified (READY) and heartbeating every
 * {@code bench.connections.heartbeatMs} ms (first beat at a random point of the interval, as the
 * protocol advises), held after its READY for the ramp time + {@code bench.duration} + 15 s +
 * {@code bench.connections.idleWaitSeconds}, so that all are up together for at least the duration
 * and while the users' own entities passivate. Sessions belong to
 * {@code bench.connections.users} seeded users (several sessions per user, as with tabs and devices),
 * each alone in a room of its own, so no session receives another's traffic; or, with
 * {@code bench.connections.inGeneral}, all of them in {@code general} only, as the product leaves
 * its users (every user sees every other's presence and joins there).
 *
 * <p>bench/run.sh measures the app's memory once the entities the seeding woke have passivated, at
 * the plateau, and once the entities the sessions woke have passivated too
 * ({@code bench.connections.idleWaitSeconds} each time): {@link #before()} lets it wait and measure
 * ({@link RunScript#handshake}) before any session opens.
 * Connections are spread over loopback addresses 127.0.0.1, .2, ... (one per 25,000 sessions): one
 * client address and one server address allow only about 28,000 ephemeral ports.
 */
public class ConnectionsSimulation extends Simulation {
  private static final int PORTS_PER_ADDRESS = 25_000;

  private final int target = Math.max(1, Bench.intProp("bench.connections.target", 100));
  private final int users = Math.max(1, Math.min(target, Bench.intProp("bench.connections.users", 10)));
  private final int rate = Math.max(1, Bench.intProp("bench.connections.rate", 250));
  private final int heartbeatMs = Math.max(1000, Bench.intProp("bench.connections.heartbeatMs", 30_000));
  private final boolean inGeneral = Boolean.getBoolean("bench.connections.inGeneral");
  private final int idleWaitSeconds = Math.max(0, Bench.intProp("bench.connections.idleWaitSeconds", 0));
  private final List<Map<String, Object>> seeded = new CopyOnWriteArrayList<>();

  @Override
  public void before() {
    var specs = new ArrayList<Map<String, Object>>();
    for (int i = 0; i < users; i++) {
      specs.add(Map.of("username", "b" + Bench.RUN_ID + "_c" + i, "room", "conn-" + Bench.RUN_ID + "-" + i));
    }
    seeded.addAll(inGeneral ? Seeder.seedInGeneral(specs) : Seeder.seed(specs));
    RunScript.handshake("connections.seeded", "connections.baseline", 120 + idleWaitSeconds);
  }

  /** Each session is one of the seeded users' in turn. */
  private Iterator<Map<String, Object>> sessionsOfSeededUsers() {
    return Stream.iterate(0, i -> i + 1).map(i -> seeded.get(i % seeded.size())).iterator();
  }

  private Duration rampTime() {
    return Duration.ofMillis(Math.max(1000, 1000L * target / rate));
  }

  private ScenarioBuilder sessions() {
    // Every session is up from the end of the ramp on, for the duration.
    var hold = rampTime().plusSeconds(Bench.DURATION + 15 + idleWaitSeconds);
    var heartbeat = Duration.ofMillis(heartbeatMs);
    return scenario("connections")
        .feed(sessionsOfSeededUsers())
        .exec(Gateway.connectAndIdentify())
        // A session that did not get READY, or lost its connection, is over: it holds nothing.
        .exitHereIfFailed()
        .pause(Duration.ZERO, heartbeat)
        .during(hold, "held", true).on(
            exec(ws("heartbeat").sendText("{\"op\":1,\"d\":null}")
                    .await(Bench.AWAIT).on(ws.checkTextMessage("HEARTBEAT_ACK").matching(jsonPath("$.op").ofInt().is(11))))
                .exitHereIfFailed()
                .pause(heartbeat))
        .exec(ws("close").close());
  }

  {
    int addresses = (target + PORTS_PER_ADDRESS - 1) / PORTS_PER_ADDRESS;
    var wsUrls = new ArrayList<String>();
    for (int a = 1; a <= addresses; a++) wsUrls.add(Bench.WS_URL.replace("127.0.0.1", "127.0.0." + a));
    var protocol = Gateway.protocol(0).wsBaseUrls(wsUrls);
    setUp(sessions().injectOpen(rampUsers(target).during(rampTime())))
        .protocols(protocol);
  }
}
