package chatterbox.bench;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

/** Gatling building blocks for the ChatterBox gateway protocol (docs/protocol.md). */
final class Gateway {
  private Gateway() {}

  static HttpProtocolBuilder protocol(int unmatchedBuffer) {
    return http.baseUrl(Bench.BASE_URL).wsBaseUrl(Bench.WS_URL)
        .wsUnmatchedInboundMessageBufferSize(unmatchedBuffer);
  }

  /** Opens the gateway, waits for HELLO, IDENTIFYs with the fed {@code token} and waits for READY. */
  static ChainBuilder connectAndIdentify() {
    return exec(ws("connect").connect("/gateway")
            .await(Bench.AWAIT).on(ws.checkTextMessage("HELLO").check(jsonPath("$.op").ofInt().is(10))))
        .exec(ws("identify").sendText("{\"op\":2,\"d\":{\"token\":\"#{token}\"}}")
            .await(Bench.AWAIT).on(ws.checkTextMessage("READY").matching(jsonPath("$.t").is("READY"))));
  }

  /**
   * A feeder over users that are seeded only in the simulation's {@code before} hook: Gatling builds
   * the scenarios (and their feeders) before {@code before} runs, so the list is read lazily.
   */
  static Iterator<Map<String, Object>> feeder(List<Map<String, Object>> seeded) {
    var next = new AtomicInteger();
    return new Iterator<>() {
      @Override public boolean hasNext() {
        return next.get() < seeded.size();
      }

      @Override public Map<String, Object> next() {
        return seeded.get(next.getAndIncrement());
      }
    };
  }

  static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
