package chatterbox.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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

  /** The definite reply, or null when none came within {@code limit}. */
  public static ApiClient.Reply send(Map<String, String> body, String token, Supplier<List<AppNodeProcess>> live,
                                     Duration requestTimeout, Duration limit) {
    var deadline = System.nanoTime() + limit.toNanos();
    int turn = 0;
    while (System.nanoTime() < deadline) {
      var nodes = live.get();
      if (!nodes.isEmpty()) {
        var node = nodes.get(turn++ % nodes.size());
        try {
          var reply = node.api(requestTimeout).post("/api/transfers", body, token);
          if (isDefinite(reply.status())) return reply;
        } catch (RuntimeException nodeDownOrSlow) {
          // ask the next live node
        }
      }
      Eventually.pause(Duration.ofMillis(200));
    }
    return null;
  }

  public static Map<String, String> body(String transferId, String to, long cents, String pin) {
    return Map.of("transferId", transferId, "to", to, "amount", String.format("%d.%02d", cents / 100, cents % 100),
        "pin", pin);
  }
}
