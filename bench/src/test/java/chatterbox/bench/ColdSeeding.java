package chatterbox.bench;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Gives entities a history through the product, as users would: lines typed over the gateway into a
 * room, deposits into a wallet through the operator's REST API. Outside the measured phase.
 */
final class ColdSeeding {
  /** Lines in flight at once: enough to keep the room's journal writes back to back. */
  private static final int WINDOW = 64;

  private ColdSeeding() {}

  /** {@code username} (with {@code token}, a member of {@code room}) types {@code lines} lines there. */
  static void postLines(String token, String username, String room, int lines) {
    try (var ws = new GatewayClient(token)) {
      int sent = 0;
      for (int echoed = 0; echoed < lines; echoed++) {
        while (sent < lines && sent - echoed < WINDOW) ws.input(room, "history line " + ++sent);
        ws.expect(f -> "MESSAGE_CREATED".equals(f.path("t").asText())
            && username.equals(f.path("d").path("author").asText()), "MESSAGE_CREATED");
      }
    }
  }

  /** {@code count} deposits of 0.01 into {@code username}'s wallet, each a transfer of its own. */
  static void deposits(String username, int count) {
    List<Integer> ids = IntStream.range(0, count).boxed().toList();
    Parallel.map(ids, i -> {
      var body = AppHttp.JSON.createObjectNode().put("depositId", "cold-" + Bench.RUN_ID + "-" + i)
          .put("username", username).put("amount", "0.01");
      int status = AppHttp.post("/api/admin/deposits", body.toString(), AppHttp.OPERATOR_TOKEN).statusCode();
      if (status != 201 && status != 202) throw new IllegalStateException("deposit " + i + " answered " + status);
      return status;
    });
  }
}
