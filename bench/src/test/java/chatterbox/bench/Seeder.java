package chatterbox.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Seeds users for a simulation, outside the measured phase: signs each up (POST /api/users, which
 * pays the 100.00 development grant), logs in (POST /api/sessions), then over the gateway joins the
 * user's benchmark room and leaves {@code general}, so that no scenario pays for a fan-out to every
 * user of the server (unless asked to keep them there, as the product does: {@link #seedInGeneral}).
 * Answers one map per user: the given attributes plus {@code token}.
 */
final class Seeder {
  private static final AtomicInteger NATIONAL_IDS = new AtomicInteger();

  private Seeder() {}

  /** Each spec needs {@code username} and {@code room}; it is returned with {@code token} added. */
  static List<Map<String, Object>> seed(List<Map<String, Object>> specs) {
    return seed(specs, true);
  }

  /** Like {@link #seed}, but every user stays in {@code general} (where the first login puts them) and joins nothing else. */
  static List<Map<String, Object>> seedInGeneral(List<Map<String, Object>> specs) {
    return seed(specs, false);
  }

  private static List<Map<String, Object>> seed(List<Map<String, Object>> specs, boolean ownRoom) {
    long started = System.nanoTime();
    var out = Parallel.map(specs, spec -> seedOne(spec, ownRoom));
    System.out.printf("seeded %d users in %.1f s%n", out.size(), (System.nanoTime() - started) / 1e9);
    return out;
  }

  private static Map<String, Object> seedOne(Map<String, Object> spec, boolean ownRoom) throws Exception {
    String username = (String) spec.get("username");
    String room = (String) spec.get("room");
    // A unique, valid NIDA number per user: a real past birth date, then run and user digits.
    int n = NATIONAL_IDS.incrementAndGet();
    int salt = (int) (Math.abs((long) (Bench.RUN_ID + username).hashCode()) % 100000);
    String nationalId = String.format("19850312-%05d-%05d-12", salt, n % 100000);
    var signup = AppHttp.JSON.createObjectNode().put("username", username).put("fullName", "Bench User")
        .put("nationalId", nationalId).put("pin", Bench.PIN);
    int status = AppHttp.post("/api/users", signup.toString()).statusCode();
    if (status != 201 && status != 409) throw new IllegalStateException("sign-up of " + username + " answered " + status);
    var login = AppHttp.post("/api/sessions", AppHttp.JSON.createObjectNode().put("username", username).put("pin", Bench.PIN).toString());
    if (login.statusCode() != 201) throw new IllegalStateException("login of " + username + " answered " + login.statusCode() + " " + login.body());
    String token = AppHttp.JSON.readTree(login.body()).path("token").asText();

    // The login put the user into general; a gateway session would linger for its resume window.
    if (!ownRoom) return withToken(spec, token);
    try (var ws = new GatewayClient(token)) {
      ws.input("general", "/join " + room);
      ws.expect(f -> "ROOM_JOINED".equals(f.path("t").asText()), "ROOM_JOINED");
      ws.input("general", "/leave");
      ws.expect(f -> "ROOM_LEFT".equals(f.path("t").asText()), "ROOM_LEFT");
    }
    return withToken(spec, token);
  }

  private static Map<String, Object> withToken(Map<String, Object> spec, String token) {
    var out = new HashMap<>(spec);
    out.put("token", token);
    return out;
  }
}
