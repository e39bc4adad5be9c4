package chatterbox.gateway;

import chatterbox.platform.http.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

/**
 * The wire format of the gateway (docs/protocol.md): opcodes, close codes, and the decoding of
 * client frames into typed requests. Decoding never throws: anything a client sends is either a
 * {@link ClientFrame} or a {@link Refusal} naming the close code.
 */
final class GatewayProtocol {

  static final int DISPATCH = 0;
  static final int HEARTBEAT = 1;
  static final int IDENTIFY = 2;
  static final int INPUT = 3;
  static final int CONFIRM = 4;
  static final int RESUME = 6;
  static final int RECONNECT = 7;
  static final int INVALID_SESSION = 9;
  static final int HELLO = 10;
  static final int HEARTBEAT_ACK = 11;

  /** The documented close codes. */
  enum CloseCode {
    UNKNOWN_ERROR(4000, "unknown error"),
    UNKNOWN_OPCODE(4001, "unknown opcode"),
    DECODE_ERROR(4002, "decode error"),
    NOT_AUTHENTICATED(4003, "not authenticated"),
    AUTHENTICATION_FAILED(4004, "authentication failed"),
    ALREADY_AUTHENTICATED(4005, "already authenticated"),
    RATE_LIMITED(4008, "rate limited"),
    SESSION_TIMED_OUT(4009, "session timed out"),
    FRAME_TOO_LARGE(4010, "frame too large"),
    LOGGED_OUT(4012, "logged out");

    final int code;
    final String reason;

    CloseCode(int code, String reason) {
      this.code = code;
      this.reason = reason;
    }
  }

  /** A well-formed client frame. */
  sealed interface ClientFrame {}

  record Heartbeat(Long lastSeq) implements ClientFrame {}

  record Identify(String token) implements ClientFrame {}

  record Input(String room, String text, String nonce) implements ClientFrame {}

  record Confirm(String transferId, String pin) implements ClientFrame {}

  record Resume(String token, String sessionId, long seq) implements ClientFrame {}

  /** Why a frame ends the connection. */
  record Refusal(CloseCode code, String detail) {}

  static final int MAX_NESTING = 16;
  static final int MAX_NONCE = 64;

  private GatewayProtocol() {}

  /** The frame {@code text} encodes, or why it is refused. */
  static Decoded decode(String text) {
    if (nestingTooDeep(text)) return refuse(CloseCode.DECODE_ERROR, "JSON nested too deeply");
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return refuse(CloseCode.DECODE_ERROR, "not JSON");
    }
    if (root == null || !root.isObject()) return refuse(CloseCode.DECODE_ERROR, "a frame is a JSON object");
    var op = root.get("op");
    if (op == null || !op.isIntegralNumber() || !op.canConvertToInt()) {
      return refuse(CloseCode.DECODE_ERROR, "op must be an integer");
    }
    var d = root.get("d");
    return switch (op.intValue()) {
      case HEARTBEAT -> d == null || d.isNull() ? ok(new Heartbeat(null))
          : d.isIntegralNumber() && d.canConvertToLong() ? ok(new Heartbeat(d.longValue()))
          : refuse(CloseCode.DECODE_ERROR, "HEARTBEAT d must be the last sequence number or null");
      case IDENTIFY -> string(d, "token").map(token -> ok(new Identify(token)))
          .orElseGet(() -> refuse(CloseCode.DECODE_ERROR, "IDENTIFY d must be {\"token\": string}"));
      case INPUT -> decodeInput(d);
      case CONFIRM -> string(d, "transfer_id").isPresent() && string(d, "pin").isPresent()
          ? ok(new Confirm(string(d, "transfer_id").get(), string(d, "pin").get()))
          : refuse(CloseCode.DECODE_ERROR, "CONFIRM d must be {\"transfer_id\": string, \"pin\": string}");
      case RESUME -> decodeResume(d);
      default -> refuse(CloseCode.UNKNOWN_OPCODE, "unknown opcode " + op.intValue());
    };
  }

  private static Decoded decodeInput(JsonNode d) {
    var room = string(d, "room");
    var text = string(d, "text");
    var nonce = d != null && d.isObject() ? d.get("nonce") : null;
    boolean nonceOk = nonce == null || nonce.isNull() || (nonce.isTextual() && nonce.textValue().length() <= MAX_NONCE);
    if (room.isEmpty() || text.isEmpty() || !nonceOk) {
      return refuse(CloseCode.DECODE_ERROR,
          "INPUT d must be {\"room\": string, \"text\": string, \"nonce\": string of at most " + MAX_NONCE + " or null}");
    }
    return ok(new Input(room.get(), text.get(), nonce == null || nonce.isNull() ? null : nonce.textValue()));
  }

  private static Decoded decodeResume(JsonNode d) {
    var token = string(d, "token");
    var session = string(d, "session_id");
    var seq = d != null && d.isObject() ? d.get("seq") : null;
    boolean seqOk = seq != null && seq.isIntegralNumber() && seq.canConvertToLong() && seq.longValue() >= 0;
    if (token.isEmpty() || session.isEmpty() || !seqOk) {
      return refuse(CloseCode.DECODE_ERROR,
          "RESUME d must be {\"token\": string, \"session_id\": string, \"seq\": integer >= 0}");
    }
    return ok(new Resume(token.get(), session.get(), seq.longValue()));
  }

  private static Optional<String> string(JsonNode d, String field) {
    if (d == null || !d.isObject()) return Optional.empty();
    var value = d.get(field);
    return value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
  }

  /** Deep nesting is refused before parsing: it can only be an attack on the parser. */
  private static boolean nestingTooDeep(String text) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') i++;
        else if (c == '"') inString = false;
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        if (++depth > MAX_NESTING) return true;
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
    return false;
  }

  /** Either a frame or a refusal. */
  record Decoded(ClientFrame frame, Refusal refusal) {}

  private static Decoded ok(ClientFrame frame) {
    return new Decoded(frame, null);
  }

  private static Decoded refuse(CloseCode code, String detail) {
    return new Decoded(null, new Refusal(code, detail));
  }

  // ---- server frames ----------------------------------------------------------------------------

  static String frame(int op, Object d) {
    var node = JsonNodeFactory.instance.objectNode();
    node.put("op", op);
    node.set("d", Json.MAPPER.valueToTree(d));
    node.putNull("s");
    node.putNull("t");
    return node.toString();
  }

  static String dispatch(long seq, String type, ObjectNode d) {
    return dispatch(seq, type, d.toString());
  }

  /**
   * A dispatch frame around a payload already encoded as JSON (shared by many sessions, see
   * {@link RoomEventFrames}): the same text, field for field, as encoding the whole frame.
   * {@code type} is one of the protocol's dispatch names (capitals and '_'), which need no escaping.
   */
  static String dispatch(long seq, String type, String payloadJson) {
    return new StringBuilder(payloadJson.length() + type.length() + 40)
        .append("{\"op\":").append(DISPATCH).append(",\"d\":").append(payloadJson)
        .append(",\"s\":").append(seq).append(",\"t\":\"").append(type).append("\"}").toString();
  }

  static String hello(long heartbeatIntervalMillis) {
    var d = JsonNodeFactory.instance.objectNode();
    d.put("heartbeat_interval", heartbeatIntervalMillis);
    return frame(HELLO, d);
  }
}
