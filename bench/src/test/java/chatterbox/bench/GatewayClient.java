package chatterbox.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static chatterbox.bench.AppHttp.JSON;

/**
 * A minimal gateway client (JDK WebSocket) for seeding, outside what Gatling measures: IDENTIFY,
 * then type lines and wait for dispatches.
 */
final class GatewayClient implements AutoCloseable, WebSocket.Listener {
  private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
  private final StringBuilder text = new StringBuilder();
  private final WebSocket ws;
  private int nonce;

  GatewayClient(String token) {
    ws = AppHttp.CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create(Bench.WS_URL + "/gateway"), this).join();
    expect(f -> f.path("op").asInt() == 10, "HELLO");
    send("{\"op\":2,\"d\":{\"token\":\"" + token + "\"}}");
    expect(f -> "READY".equals(f.path("t").asText()), "READY");
  }

  /** Types {@code line} in {@code room} (INPUT with a fresh nonce). */
  void input(String room, String line) {
    var d = JSON.createObjectNode().put("room", room).put("text", line).put("nonce", "seed-" + (++nonce));
    var frame = JSON.createObjectNode().put("op", 3);
    frame.set("d", d);
    send(frame.toString());
  }

  synchronized void send(String frame) {
    ws.sendText(frame, true).join();
  }

  /** Waits up to 20 s for a dispatch {@code wanted} accepts, skipping others; fails on an ERROR dispatch. */
  void expect(Predicate<JsonNode> wanted, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    try {
      while (System.nanoTime() < deadline) {
        var f = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (f != null && wanted.test(f)) return;
        if (f != null && "ERROR".equals(f.path("t").asText())) throw new IllegalStateException("gateway ERROR while waiting for " + what + ": " + f);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new IllegalStateException("no " + what + " from the gateway within 20 s");
  }

  @Override
  public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
    text.append(data);
    if (last) {
      try {
        frames.add(JSON.readTree(text.toString()));
      } catch (Exception e) {
        frames.add(JSON.createObjectNode().put("op", -1));
      }
      text.setLength(0);
    }
    socket.request(1);
    return null;
  }

  @Override
  public void close() {
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "seeded").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
  }
}
