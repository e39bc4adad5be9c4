package chatterbox.gateway;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whatever a client sends, decoding and command parsing answer with a value, never an exception. */
class GatewayInputProperties {

  private static final EnumSet<GatewayProtocol.CloseCode> DECODE_REFUSALS =
      EnumSet.of(GatewayProtocol.CloseCode.DECODE_ERROR, GatewayProtocol.CloseCode.UNKNOWN_OPCODE);

  @Property(tries = 2000)
  void anyStringDecodesToAFrameOrADocumentedRefusal(@ForAll String text) {
    assertDecodedOrRefused(text);
  }

  @Property(tries = 2000)
  void framesThatLookRightButAreNotDecodeOrRefuse(@ForAll("nearlyValidFrames") String frame) {
    assertDecodedOrRefused(frame);
  }

  @Property(tries = 2000)
  void anyLineIsAMessageOrACommandOrAClearRefusal(@ForAll String line) {
    var command = ChatCommand.parse(line);
    assertNotNull(command);
    if (command instanceof ChatCommand.Message message) {
      assertTrue(!message.text().isEmpty() && message.text().equals(message.text().strip()));
      assertTrue(message.text().codePointCount(0, message.text().length()) <= ChatCommand.MAX_MESSAGE);
    }
    if (command instanceof ChatCommand.Invalid invalid) {
      assertTrue(invalid.code().startsWith("invalid_") && !invalid.message().isBlank());
    }
  }

  private static void assertDecodedOrRefused(String text) {
    var decoded = GatewayProtocol.decode(text);
    assertTrue((decoded.frame() == null) != (decoded.refusal() == null), "exactly one of frame and refusal");
    if (decoded.refusal() != null) assertTrue(DECODE_REFUSALS.contains(decoded.refusal().code()), text);
  }

  /** JSON frames with real opcodes whose payloads have random shapes, types and nesting. */
  @Provide
  Arbitrary<String> nearlyValidFrames() {
    Arbitrary<String> scalars = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(20).map(s -> '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"'),
        Arbitraries.longs().map(String::valueOf),
        Arbitraries.doubles().map(d -> Double.isFinite(d) ? String.valueOf(d) : "1e309"),
        Arbitraries.of("true", "false", "null", "[]", "{}", "99999999999999999999999", "-0", "[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]"));
    Arbitrary<String> fields = Arbitraries.of("token", "room", "text", "nonce", "transfer_id", "pin", "session_id", "seq", "x");
    Arbitrary<String> payloads = Arbitraries.maps(fields, scalars).ofMaxSize(5).map(map -> {
      var body = new StringBuilder("{");
      map.forEach((k, v) -> body.append(body.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
      return body.append('}').toString();
    });
    Arbitrary<String> ops = Arbitraries.of("0", "1", "2", "3", "4", "6", "7", "9", "10", "11", "-1", "2147483648", "\"2\"", "2.0", "null");
    return net.jqwik.api.Combinators.combine(ops, Arbitraries.oneOf(payloads, scalars))
        .as((op, d) -> "{\"op\":" + op + ",\"d\":" + d + "}");
  }
}
