package chatterbox.gateway;

import chatterbox.testing.ApiClient;
import chatterbox.testing.GatewayClient;
import chatterbox.testing.TestStack;
import chatterbox.testing.Users;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A live fuzz run: random and mutated frames (broken JSON, wrong types, huge numbers, deep nesting,
 * invalid UTF-8, oversized frames, floods) against a running node, from anonymous and identified
 * connections, while two honest users chat. The node stays up, the honest users see every message,
 * and nothing is persisted from input the protocol refuses.
 *
 * <p>CI sends {@code fuzz.frames} = 3000 frames; the full run is
 * {@code mvn -pl app test -Dtest=GatewayFuzzTest -Dfuzz.frames=100000}. The seed is printed and can
 * be fixed with {@code -Dfuzz.seed=...}.
 */
class GatewayFuzzTest {

  private static final List<String> SEEDS = List.of(
      "{\"op\":1,\"d\":null}",
      "{\"op\":1,\"d\":42}",
      "{\"op\":2,\"d\":{\"token\":\"v1.x.y.1.z\"}}",
      "{\"op\":3,\"d\":{\"room\":\"general\",\"text\":\"/join fuzz-room\",\"nonce\":\"n\"}}",
      "{\"op\":3,\"d\":{\"room\":\"general\",\"text\":\"/send someone 1e5\",\"nonce\":\"n\"}}",
      "{\"op\":4,\"d\":{\"transfer_id\":\"abc\",\"pin\":\"1234\"}}",
      "{\"op\":6,\"d\":{\"token\":\"t\",\"session_id\":\"s\",\"seq\":1}}");

  @Test
  void randomFramesLeaveTheNodeAndHonestUsersUnharmed() {
    int frames = Integer.getInteger("fuzz.frames", 3000);
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.printf("[fuzz] %d frames, seed %d%n", frames, seed);
    var random = new Random(seed);
    try (var stack = TestStack.start(Map.of("chatterbox.gateway.heartbeat-interval", "2s",
        "chatterbox.gateway.rate-limit.frames", 600, "chatterbox.gateway.user-rate-limit.lines", 1_000_000))) {
      ApiClient api = stack.api();
      int port = stack.app().httpPort();
      var alice = Users.signUpAndLogIn(api, "honest_a");
      var bob = Users.signUpAndLogIn(api, "honest_b");
      var fuzzer = Users.signUpAndLogIn(api, "fuzzer");
      var validFuzzerTexts = new HashSet<String>();
      try (var ca = GatewayClient.identified(port, alice.token(), Duration.ofMillis(500));
           var cb = GatewayClient.identified(port, bob.token(), Duration.ofMillis(500))) {
        ca.expectDispatch("READY");
        cb.expectDispatch("READY");
        int sent = 0;
        int round = 0;
        while (sent < frames) {
          sent += fuzzOneConnection(port, fuzzer.token(), random, validFuzzerTexts);
          if (++round % 50 == 0) {
            ca.input("general", "honest a " + round, "a" + round);
            cb.input("general", "honest b " + round, "b" + round);
          }
        }
        for (int r = 50; r <= round; r += 50) {
          var a = "a" + r;
          var b = "b" + r;
          cb.awaitSeen(f -> a.equals(f.path("d").path("nonce").asText()), a);
          ca.awaitSeen(f -> b.equals(f.path("d").path("nonce").asText()), b);
        }
      }
      assertEquals(200, api.get("/api/me", alice.token()).status(), "the node still serves");
      var history = api.get("/api/rooms/general/messages?limit=100", alice.token()).body().path("events");
      for (var event : history) {
        if (event.path("author").asText().equals(fuzzer.username())) {
          assertTrue(validFuzzerTexts.contains(event.path("text").asText()),
              "only protocol-valid input is ever persisted: " + event);
        }
      }
    }
  }

  /** Opens one connection, sends frames until the server closes it (or a few were sent); answers how many. */
  private static int fuzzOneConnection(int port, String token, Random random, Set<String> validTexts) {
    try (var client = GatewayClient.connect(port)) {
      client.expectOp(10);
      if (random.nextBoolean()) {
        client.sendRaw("{\"op\":2,\"d\":{\"token\":\"" + token + "\"}}");
        client.expectDispatch("READY");
      }
      int count = random.nextInt(10) == 0 ? 200 : 1 + random.nextInt(4); // now and then a flood
      int sent = 0;
      for (; sent < count && !client.isClosed(); sent++) {
        if (random.nextInt(20) == 0) {
          client.sendBinary(invalidUtf8(random));
          continue;
        }
        var frame = frame(random);
        var decoded = GatewayProtocol.decode(frame);
        if (decoded.frame() instanceof GatewayProtocol.Input input) validTexts.add(input.text().strip());
        client.sendRaw(frame);
      }
      return sent;
    } catch (RuntimeException closedUnderUs) {
      return 1; // the server closed the socket while a frame was on its way: that is its right
    }
  }

  private static String frame(Random random) {
    return switch (random.nextInt(7)) {
      case 0 -> mutate(SEEDS.get(random.nextInt(SEEDS.size())), random);
      case 1 -> randomText(random, random.nextInt(200));
      case 2 -> "{\"op\":" + (random.nextBoolean() ? "99999999999999999999" : String.valueOf(random.nextInt())) + ",\"d\":null}";
      case 3 -> "{\"op\":1,\"d\":" + "[".repeat(random.nextInt(5000)) + "]}";
      case 4 -> "{\"op\":3,\"d\":{\"room\":\"general\",\"text\":\"" + "x".repeat(17_000 + random.nextInt(5000)) + "\"}}";
      case 5 -> "{\"op\":3,\"d\":{\"room\":" + random.nextInt() + ",\"text\":[1,{\"a\":null}],\"nonce\":1e400}}";
      default -> SEEDS.get(random.nextInt(SEEDS.size()));
    };
  }

  private static String mutate(String frame, Random random) {
    var chars = frame.toCharArray();
    for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
      chars[random.nextInt(chars.length)] = (char) (32 + random.nextInt(95));
    }
    var mutated = new String(chars);
    return random.nextBoolean() ? mutated : mutated.substring(0, random.nextInt(mutated.length()));
  }

  private static String randomText(Random random, int length) {
    var text = new StringBuilder();
    for (int i = 0; i < length; i++) text.append((char) (32 + random.nextInt(0x2000)));
    return text.toString();
  }

  private static byte[] invalidUtf8(Random random) {
    var bytes = "{\"op\":1,\"d\":null}".getBytes(StandardCharsets.UTF_8);
    bytes[random.nextInt(bytes.length)] = (byte) (0xC0 | random.nextInt(2)); // an overlong lead byte
    return bytes;
  }
}
