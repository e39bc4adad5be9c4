package chatterbox.bench;

import io.gatling.http.action.ws.WsInboundMessage;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

/**
 * The shape of a chat fan-out run, the same for every server it is pointed at: {@code bench.fanout.rooms}
 * rooms of {@code bench.fanout.members} members; in each room {@code bench.fanout.posters} of them post
 * a stamped line every {@code bench.fanout.postEveryMs} ms (after their own echo arrives) for
 * {@code bench.fanout.warmupSeconds} + {@code bench.duration} seconds; the others listen, and every
 * line of someone else's a listener receives is a delivery whose latency is recorded, unless it was
 * sent in the warm-up (the first {@code bench.fanout.warmupSeconds} after the first post: a server in
 * service has its code compiled and its buffers sized, one just started has not). Only how to
 * connect, post and recognise a delivered line differs between servers ({@link Wire}).
 *
 * <p>Listeners drain the frames Gatling buffered (each stamped on arrival) twice a second. Posters
 * only empty their buffer: while a poster waits for its own echo Gatling consumes the frames that
 * arrive without buffering them, so a poster cannot count its deliveries.
 */
final class FanoutShape {
  /** How one server's chat protocol connects a member, posts a line and delivers one. */
  interface Wire {
    /** Connects the fed user, logs in and enters the fed {@code room}. */
    ChainBuilder connect();

    /**
     * Sends one line carrying {@link #stamp(Session)} and {@code #{nonce}}, and awaits its echo; the
     * request's and the echo check's names start with {@code #{phase}}, so that the warm-up's posts
     * are told apart in Gatling's log.
     */
    ChainBuilder post();

    /** The send time of a frame that delivers someone else's line to {@code member}, or -1. */
    long deliveredSentAt(String frame, Session member);
  }

  /** {@code #{phase}} of a poster in the warm-up; empty once its lines count. */
  private static final String WARM_UP = "warm-up ";

  final int rooms = Bench.intProp("bench.fanout.rooms", 10);
  final int members = Math.max(2, Bench.intProp("bench.fanout.members", 10));
  final int posters = Math.max(1, Math.min(members - 1, Bench.intProp("bench.fanout.posters", 2)));
  final int postEveryMs = Bench.intProp("bench.fanout.postEveryMs", 500);
  final int warmupSeconds = Math.max(0, Bench.intProp("bench.fanout.warmupSeconds", 10));
  final DeliveryLatencies deliveries = new DeliveryLatencies();
  /** The server's CPU over the run, when bench/run.sh names its process. */
  final Optional<ServerCpu> serverCpu = ServerCpu.watchFromProperty();
  private final int settle = Bench.RAMP + 2;

  /** One spec per member: {@code username}, {@code room}, {@code poster}; names start with the prefixes. */
  List<Map<String, Object>> members(String userPrefix, String roomPrefix) {
    var specs = new ArrayList<Map<String, Object>>();
    for (int r = 0; r < rooms; r++) {
      for (int m = 0; m < members; m++) {
        specs.add(Map.of("username", userPrefix + r + "_" + m, "room", roomPrefix + r, "poster", m < posters));
      }
    }
    return specs;
  }

  /** The send-time stamp for the line a poster is about to send (a warm-up stamp in the warm-up). */
  static String stamp(Session poster) {
    return DeliveryLatencies.stamp(!WARM_UP.equals(poster.getString("phase")));
  }

  static boolean isPoster(Map<String, Object> member) {
    return Boolean.TRUE.equals(member.get("poster"));
  }

  String describe() {
    return "rooms=" + rooms + "\nmembers=" + members + "\nposters=" + posters + "\npostEveryMs=" + postEveryMs
        + "\nwarmupSeconds=" + warmupSeconds + "\n";
  }

  /** Posters, then listeners (if any), ramped over {@code bench.ramp} seconds. */
  List<PopulationBuilder> populations(String name, Wire wire, Iterator<Map<String, Object>> posterFeed,
                                      Iterator<Map<String, Object>> listenerFeed) {
    var ramp = Duration.ofSeconds(Bench.RAMP);
    var out = new ArrayList<PopulationBuilder>();
    out.add(posting(name + "-posters", wire, posterFeed).injectOpen(rampUsers(rooms * posters).during(ramp)));
    int listeners = rooms * (members - posters);
    if (listeners > 0) out.add(listening(name + "-members", wire, listenerFeed).injectOpen(rampUsers(listeners).during(ramp)));
    return out;
  }

  private ScenarioBuilder posting(String name, Wire wire, Iterator<Map<String, Object>> feed) {
    return scenario(name)
        .feed(feed)
        .exec(wire.connect())
        .pause(Duration.ofSeconds(settle))
        .exec(s -> {
          deliveries.countFrom(System.currentTimeMillis() + warmupSeconds * 1000L);
          return s;
        })
        .during(Duration.ofSeconds(warmupSeconds + Bench.DURATION)).on(
            exec(s -> s.markAsSucceeded().set("nonce", UUID.randomUUID().toString())
                .set("phase", deliveries.counts(System.currentTimeMillis()) ? "" : WARM_UP))
                .exec(wire.post())
                .exec(ws.processUnmatchedMessages((messages, session) -> session))
                .pause(Duration.ofMillis(postEveryMs)))
        .pause(Duration.ofSeconds(2))
        .exec(ws("close").close());
  }

  private ScenarioBuilder listening(String name, Wire wire, Iterator<Map<String, Object>> feed) {
    ChainBuilder drain = exec(ws.processUnmatchedMessages((messages, session) -> drain(wire, messages, session)));
    return scenario(name)
        .feed(feed)
        .exec(wire.connect())
        .during(Duration.ofSeconds(settle + warmupSeconds + Bench.DURATION + Bench.RAMP + 3)).on(pause(Duration.ofMillis(500)).exec(drain))
        .exec(drain)
        .exec(ws("close").close());
  }

  private Session drain(Wire wire, List<WsInboundMessage> messages, Session session) {
    for (var message : messages) {
      if (!(message instanceof WsInboundMessage.Text text)) continue;
      long sentAt = wire.deliveredSentAt(text.message(), session);
      if (sentAt >= 0) deliveries.record(sentAt, text.timestamp());
    }
    return session;
  }
}
