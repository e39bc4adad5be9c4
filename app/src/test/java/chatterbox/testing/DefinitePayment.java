package chatterbox.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A payment over REST sent again with the same transfer id, on live nodes in turn, until its
 * outcome is known: 201 completed, 422 refused, 401 wrong PIN or 423 locked. A 202 (still under
 * way), a 5xx or a node that does not answer means "ask again"; the transfer id makes the retries
 * count once.
 */
public final class DefinitePayment {

  private DefinitePayment() {}

  public static boolean isDefinite(int status) {
    return status == 201 || status == 422 || status == 401 || status == 423;
  }

  /** One request of a payment: when it started (nanoTime), the node asked, and what came back. */
  public record Attempt(long startNanos, long endNanos, String node, String outcome) {}

  /** The definite reply, or null when none came within {@code limit}. */
  public static ApiClient.Reply send(Map<String, String> body, String token, Supplier<List<AppNodeProcess>> live,
                                     Duration requestTimeout, Duration limit) {
    return send(body, token, live, requestTimeout, limit, attempt -> { });
  }

  /** As above, telling {@code attempts} of each request (to see where a slow payment's time went). */
  public static ApiClient.Reply send(Map<String, String> body, String token, Supplier<List<AppNodeProcess>> live,
                                     Duration requestTimeout, Duration limit, Consumer<Attempt> attempts) {
    var deadline = System.nanoTime() + limit.toNanos();
    int turn = 0;
    while (System.nanoTime() < deadline) {
      var nodes = live.get();
      if (!nodes.isEmpty()) {
        var node = nodes.get(turn++ % nodes.size());
        long start = System.nanoTime();
        try {
          var reply = node.api(requestTimeout).post("/api/transfers", body, token);
          attempts.accept(new Attempt(start, System.nanoTime(), node.name, Integer.toString(reply.status())));
          if (isDefinite(reply.status())) return reply;
        } catch (RuntimeException nodeDownOrSlow) {
          attempts.accept(new Attempt(start, System.nanoTime(), node.name, why(nodeDownOrSlow)));
          // ask the next live node
        }
      }
      Eventually.pause(Duration.ofMillis(200));
    }
    return null;
  }

  private static String why(RuntimeException failure) {
    var cause = failure.getCause() != null ? failure.getCause() : failure;
    return cause.getClass().getSimpleName();
  }

  public static Map<String, String> body(String transferId, String to, long cents, String pin) {
    return Map.of("transferId", transferId, "to", to, "amount", String.format("%d.%02d", cents / 100, cents % 100),
        "pin", pin);
  }
}
