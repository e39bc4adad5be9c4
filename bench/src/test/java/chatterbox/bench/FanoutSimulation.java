package chatterbox.bench;

import io.gatling.http.action.ws.WsInboundMessage;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

/**
 * Scenario 2, chat fan-out: {@code bench.fanout.rooms} rooms of {@code bench.fanout.members} members;
 * in each room {@code bench.fanout.posters} of them post a line every {@code bench.fanout.postEveryMs}
 * ms (open loop per poster, after waiting for their own echo) for {@code bench.duration} seconds.
 * Gatling's own figure is {@code post}: INPUT to the author's own MESSAGE_CREATED echo. The figure of
 * the scenario is the <em>delivery</em>: every MESSAGE_CREATED a listening member (one that does not
 * post) receives. Each line carries its send time ({@code bench-sent=<epoch ms>}); each member drains the frames
 * it received (Gatling's unmatched-message buffer, which stamps each frame on arrival) twice a
 * second and the harness records arrival minus send time. Same JVM, same clock; millisecond
 * resolution. The totals go to {@code <bench.out>/fanout-deliveries.properties}.
 */
public class FanoutSimulation extends Simulation {
  private static final Pattern SENT = Pattern.compile("bench-sent=(\\d+)");
  private static final Pattern AUTHOR = Pattern.compile("\"author\"\\s*:\\s*\"([^\"]+)\"");

  private final int rooms = Bench.intProp("bench.fanout.rooms", 10);
  private final int members = Math.max(2, Bench.intProp("bench.fanout.members", 10));
  private final int posters = Math.max(1, Math.min(members - 1, Bench.intProp("bench.fanout.posters", 2)));
  private final int postEveryMs = Bench.intProp("bench.fanout.postEveryMs", 500);
  private final List<Map<String, Object>> posterUsers = new CopyOnWriteArrayList<>();
  private final List<Map<String, Object>> listenerUsers = new CopyOnWriteArrayList<>();

  @Override
  public void before() {
    var specs = new ArrayList<Map<String, Object>>();
    for (int r = 0; r < rooms; r++) {
      for (int m = 0; m < members; m++) {
        specs.add(Map.of("username", "b" + Bench.RUN_ID + "_f" + r + "_" + m,
            "room", "fan-" + Bench.RUN_ID + "-" + r, "poster", m < posters));
      }
    }
    for (var user : Seeder.seed(specs)) {
      (Boolean.TRUE.equals(user.get("poster")) ? posterUsers : listenerUsers).add(user);
    }
  }

  @Override
  public void after() {
    try {
      Path out = Path.of(Bench.OUT);
      Files.createDirectories(out);
      Files.writeString(out.resolve("fanout-deliveries.properties"), Deliveries.summary(rooms, members, posters, postEveryMs));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Records every MESSAGE_CREATED of someone else's line among the frames received since the last drain. */
  private static Session drain(List<WsInboundMessage> messages, Session session) {
    String me = session.getString("username");
    for (var message : messages) {
      if (!(message instanceof WsInboundMessage.Text text)) continue;
      String payload = text.message();
      if (!payload.contains("MESSAGE_CREATED")) continue;
      var sent = SENT.matcher(payload);
      var author = AUTHOR.matcher(payload);
      if (sent.find() && author.find() && !author.group(1).equals(me)) {
        Deliveries.record(Long.parseLong(sent.group(1)), text.timestamp());
      }
    }
    return session;
  }

  private static ChainBuilder drainAction() {
    return exec(ws.processUnmatchedMessages(FanoutSimulation::drain));
  }

  /**
   * Posters only empty their buffer: while a poster waits for its own echo, Gatling consumes the
   * frames that arrive without buffering them, so a poster cannot count its deliveries.
   */
  private static ChainBuilder discardAction() {
    return exec(ws.processUnmatchedMessages((messages, session) -> session));
  }

  private final int settle = Bench.RAMP + 2;

  private final ScenarioBuilder posting = scenario("fanout-posters")
      .feed(Gateway.feeder(posterUsers))
      .exec(Gateway.connectAndIdentify())
      .pause(Duration.ofSeconds(settle))
      .during(Duration.ofSeconds(Bench.DURATION)).on(
          exec(s -> s.markAsSucceeded().set("nonce", UUID.randomUUID().toString()))
              .exec(ws("post").sendText(s -> "{\"op\":3,\"d\":{\"room\":\"" + s.getString("room")
                      + "\",\"text\":\"bench-sent=" + System.currentTimeMillis() + " hello\",\"nonce\":\"" + s.getString("nonce") + "\"}}")
                  .await(Bench.AWAIT).on(ws.checkTextMessage("MESSAGE_CREATED echo")
                      .matching(jsonPath("$.d.nonce").isEL("#{nonce}"))))
              .exec(discardAction())
              .pause(Duration.ofMillis(postEveryMs)))
      .pause(Duration.ofSeconds(2))
      .exec(ws("close").close());

  private final ScenarioBuilder listening = scenario("fanout-members")
      .feed(Gateway.feeder(listenerUsers))
      .exec(Gateway.connectAndIdentify())
      .during(Duration.ofSeconds(settle + Bench.DURATION + Bench.RAMP + 3)).on(
          pause(Duration.ofMillis(500)).exec(drainAction()))
      .exec(drainAction())
      .exec(ws("close").close());

  {
    int listeners = rooms * (members - posters);
    var ramp = Duration.ofSeconds(Bench.RAMP);
    var protocol = Gateway.protocol(100_000);
    if (listeners > 0) {
      setUp(posting.injectOpen(rampUsers(rooms * posters).during(ramp)),
          listening.injectOpen(rampUsers(listeners).during(ramp))).protocols(protocol);
    } else {
      setUp(posting.injectOpen(rampUsers(rooms * posters).during(ramp))).protocols(protocol);
    }
  }

  /** Delivery latencies of the run, in ms. */
  static final class Deliveries {
    private static long[] latencies = new long[1 << 16];
    private static int count;
    private static long firstSent = Long.MAX_VALUE;
    private static long lastReceived = Long.MIN_VALUE;

    static synchronized void record(long sentAt, long receivedAt) {
      if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
      latencies[count++] = Math.max(0, receivedAt - sentAt);
      firstSent = Math.min(firstSent, sentAt);
      lastReceived = Math.max(lastReceived, receivedAt);
    }

    static synchronized String summary(int rooms, int members, int posters, int postEveryMs) {
      var sorted = Arrays.copyOf(latencies, count);
      Arrays.sort(sorted);
      double seconds = count == 0 ? 0 : Math.max(1, lastReceived - firstSent) / 1000.0;
      return "rooms=" + rooms + "\nmembers=" + members + "\nposters=" + posters + "\npostEveryMs=" + postEveryMs
          + "\ndeliveries=" + count + "\nwindowSeconds=" + seconds
          + "\np50=" + pct(sorted, 50) + "\np95=" + pct(sorted, 95) + "\np99=" + pct(sorted, 99)
          + "\nmax=" + (count == 0 ? -1 : sorted[count - 1]) + "\n";
    }

    private static long pct(long[] sorted, double p) {
      if (sorted.length == 0) return -1;
      int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
  }
}
