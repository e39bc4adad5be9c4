package chatterbox.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Seeds users for a simulation, outside the measured phase: signs each up (POST /api/users, which
 * pays the 100.00 development grant), logs in (POST /api/sessions), then over the gateway joins the
 * user's benchmark room and leaves {@code general}, so that no scenario pays for a fan-out to every
 * user of the server. Answers one map per user: the given attributes plus {@code token}.
 */
final class Seeder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final AtomicInteger NATIONAL_IDS = new AtomicInteger();
  private static final int THREADS = Integer.getInteger("bench.seedThreads", 8);

  private Seeder() {}

  /** Each spec needs {@code username} and {@code room}; it is returned with {@code token} added. */
  static List<Map<String, Object>> seed(List<Map<String, Object>> specs) {
    long started = System.nanoTime();
    var pool = Executors.newFixedThreadPool(THREADS);
    try {
      var futures = new ArrayList<Future<Map<String, Object>>>();
      for (var spec : specs) futures.add(pool.submit(() -> seedOne(spec)));
      var out = new ArrayList<Map<String, Object>>();
      for (var f : futures) out.add(f.get(120, TimeUnit.SECONDS));
      System.out.printf("seeded %d users in %.1f s%n", out.size(), (System.nanoTime() - started) / 1e9);
      return out;
    } catch (Exception e) {
      throw new IllegalStateException("seeding failed: " + e, e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Map<String, Object> seedOne(Map<String, Object> spec) throws Exception {
    String username = (String) spec.get("username");
    String room = (String) spec.get("room");
    // A unique, valid NIDA number per user: a real past birth date, then run and user digits.
    int n = NATIONAL_IDS.incrementAndGet();
    int salt = (int) (Math.abs((long) (Bench.RUN_ID + username).hashCode()) % 100000);
    String nationalId = String.format("19850312-%05d-%05d-12", salt, n % 100000);
    var signup = JSON.createObjectNode().put("username", username).put("fullName", "Bench User")
        .put("nationalId", nationalId).put("pin", Bench.PIN);
    int status = post("/api/users", signup.toString()).statusCode();
    if (status != 201 && status != 409) throw new IllegalStateException("sign-up of " + username + " answered " + status);
    var login = post("/api/sessions", JSON.createObjectNode().put("username", username).put("pin", Bench.PIN).toString());
    if (login.statusCode() != 201) throw new IllegalStateException("login of " + username + " answered " + login.statusCode() + " " + login.body());
    String token = JSON.readTree(login.body()).path("token").asText();

    try (var ws = new Socket(token)) {
      ws.input("general", "/join " + room);
      ws.expect(f -> "ROOM_JOINED".equals(f.path("t").asText()), "ROOM_JOINED");
      ws.input("general", "/leave");
      ws.expect(f -> "ROOM_LEFT".equals(f.path("t").asText()), "ROOM_LEFT");
    }
    var out = new HashMap<>(spec);
    out.put("token", token);
    return out;
  }

  /** POST with retries while the node answers 503 (still starting, shard not yet allocated). */
  private static HttpResponse<String> post(String path, String body) throws Exception {
    HttpResponse<String> response = null;
    for (int attempt = 0; attempt < 30; attempt++) {
      var request = HttpRequest.newBuilder(URI.create(Bench.BASE_URL + path)).timeout(Duration.ofSeconds(15))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
      response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 503) return response;
      Thread.sleep(500);
    }
    return response;
  }

  /** A minimal gateway client (JDK WebSocket): IDENTIFY, then type lines and wait for dispatches. */
  private static final class Socket implements AutoCloseable, WebSocket.Listener {
    private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final StringBuilder text = new StringBuilder();
    private final WebSocket ws;
    private int nonce;

    Socket(String token) {
      ws = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
          .buildAsync(URI.create(Bench.WS_URL + "/gateway"), this).join();
      expect(f -> f.path("op").asInt() == 10, "HELLO");
      send("{\"op\":2,\"d\":{\"token\":\"" + token + "\"}}");
      expect(f -> "READY".equals(f.path("t").asText()), "READY");
    }

    void input(String room, String line) {
      var d = JSON.createObjectNode().put("room", room).put("text", line).put("nonce", "seed-" + (++nonce));
      var frame = JSON.createObjectNode().put("op", 3);
      frame.set("d", d);
      send(frame.toString());
    }

    synchronized void send(String frame) {
      ws.sendText(frame, true).join();
    }

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
}
