package chatterbox.testing;

import chatterbox.platform.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client of the gateway (the JDK's), for tests: it records every frame, can
 * heartbeat by itself, and reports the close code the server sent.
 */
public final class GatewayClient implements AutoCloseable {

  private static final ScheduledExecutorService HEARTBEATS = Executors.newScheduledThreadPool(1, r -> {
    var thread = new Thread(r, "gateway-client-heartbeats");
    thread.setDaemon(true);
    return thread;
  });

  private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final List<JsonNode> seen = new ArrayList<>();
  private final WebSocket socket;
  private volatile long lastSeq;
  private java.util.concurrent.ScheduledFuture<?> heartbeat;

  private GatewayClient(URI uri, String origin) {
    var builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    if (origin != null) builder.header("Origin", origin);
    socket = builder.buildAsync(uri, new Listener()).join();
  }

  /** A small room's members as READY and ROOM_JOINED list them ({@code room}: the room's object): username to online. */
  public static Map<String, Boolean> membersOnline(JsonNode room) {
    var online = new HashMap<String, Boolean>();
    room.path("members").forEach(member -> online.put(member.path("username").asText(), member.path("online").asBoolean()));
    return online;
  }

  /** The room {@code roomId} as READY lists it. */
  public static JsonNode roomInReady(JsonNode ready, String roomId) {
    for (var room : ready.path("rooms")) if (room.path("id").asText().equals(roomId)) return room;
    throw new AssertionError("READY does not list " + roomId + ": " + ready);
  }

  public static GatewayClient connect(int port) {
    return new GatewayClient(URI.create("ws://127.0.0.1:" + port + "/gateway"), null);
  }

  public static GatewayClient connect(int port, String origin) {
    return new GatewayClient(URI.create("ws://127.0.0.1:" + port + "/gateway"), origin);
  }

  /** Connects and IDENTIFYs; answers the READY payload. Heartbeats every {@code heartbeatEvery}. */
  public static GatewayClient identified(int port, String token, Duration heartbeatEvery) {
    return identified("127.0.0.1", port, token, heartbeatEvery);
  }

  /** {@link #identified(int, String, Duration)} on the node at {@code host}. */
  public static GatewayClient identified(String host, int port, String token, Duration heartbeatEvery) {
    var client = new GatewayClient(URI.create("ws://" + host + ":" + port + "/gateway"), null);
    client.expectOp(10);
    client.send(2, JsonNodeFactory.instance.objectNode().put("token", token));
    client.startHeartbeats(heartbeatEvery);
    return client;
  }

  public void startHeartbeats(Duration every) {
    heartbeat = HEARTBEATS.scheduleAtFixedRate(() -> {
      if (!socket.isOutputClosed()) sendRaw("{\"op\":1,\"d\":" + lastSeq + "}");
    }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  public void stopHeartbeats() {
    if (heartbeat != null) heartbeat.cancel(false);
  }

  public void send(int op, JsonNode d) {
    var frame = JsonNodeFactory.instance.objectNode().put("op", op);
    frame.set("d", d);
    sendRaw(frame.toString());
  }

  public synchronized void sendRaw(String text) {
    socket.sendText(text, true).join();
  }

  public synchronized void sendBinary(byte[] bytes) {
    socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
  }

  /** Types a line in a room. */
  public void input(String room, String text, String nonce) {
    send(3, JsonNodeFactory.instance.objectNode().put("room", room).put("text", text).put("nonce", nonce));
  }

  public void confirm(String transferId, String pin) {
    send(4, JsonNodeFactory.instance.objectNode().put("transfer_id", transferId).put("pin", pin));
  }

  /** The next frame with this opcode; frames before it are skipped. */
  public JsonNode expectOp(int op) {
    return next(frame -> frame.path("op").asInt() == op, "op " + op);
  }

  /** The next DISPATCH of type {@code t}; other frames before it are skipped. */
  public ObjectNode expectDispatch(String t) {
    return (ObjectNode) next(frame -> frame.path("op").asInt() == 0 && t.equals(frame.path("t").asText()), t).path("d");
  }

  /** The next DISPATCH of type {@code t} whose payload matches. */
  public ObjectNode expectDispatch(String t, Predicate<JsonNode> payload) {
    return (ObjectNode) next(frame -> frame.path("op").asInt() == 0 && t.equals(frame.path("t").asText())
        && payload.test(frame.path("d")), t).path("d");
  }

  public JsonNode next(Predicate<JsonNode> wanted, String description) {
    var deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError("no " + description + " within 15 s; seen: " + seen);
      try {
        var frame = frames.poll(left, TimeUnit.NANOSECONDS);
        if (frame != null && wanted.test(frame)) return frame;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Waits until a frame matching {@code wanted} has been received (without consuming anything). */
  public JsonNode awaitSeen(Predicate<JsonNode> wanted, String description) {
    return awaitSeen(wanted, description, Duration.ofSeconds(15));
  }

  public JsonNode awaitSeen(Predicate<JsonNode> wanted, String description, Duration limit) {
    try {
      return Eventually.await(limit, () -> seen().stream().filter(wanted).findFirst().orElse(null), java.util.Objects::nonNull);
    } catch (AssertionError notSeen) {
      var frames = seen();
      var closed = closeCode.isDone() ? "; the server closed the connection with " + closeCode.join() : "";
      throw new AssertionError("no " + description + " within " + limit + closed + "; last frames: "
          + frames.subList(Math.max(0, frames.size() - 5), frames.size()));
    }
  }

  /** Every frame received so far, in order. */
  public synchronized List<JsonNode> seen() {
    return List.copyOf(seen);
  }

  public long lastSeq() {
    return lastSeq;
  }

  /** The close code the server sent, waiting up to 15 s for it. */
  public int closeCode() {
    return closeCode.orTimeout(15, TimeUnit.SECONDS).join();
  }

  public boolean isClosed() {
    return closeCode.isDone();
  }

  /** Drops the connection without a close handshake, as a lost network would. */
  public void drop() {
    stopHeartbeats();
    socket.abort();
  }

  @Override
  public void close() {
    stopHeartbeats();
    if (!socket.isOutputClosed()) socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        try {
          var frame = Json.MAPPER.readTree(text.toString());
          synchronized (GatewayClient.this) {
            seen.add(frame);
          }
          if (frame.path("op").asInt() == 0) lastSeq = frame.path("s").asLong();
          frames.add(frame);
        } catch (Exception e) {
          frames.add(JsonNodeFactory.instance.objectNode().put("op", -1).put("unparsable", text.toString()));
        }
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closeCode.complete(statusCode);
      stopHeartbeats();
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closeCode.complete(-1);
    }
  }
}
