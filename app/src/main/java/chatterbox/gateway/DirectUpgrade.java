package chatterbox.gateway;

import akka.http.scaladsl.model.headers.Sec$minusWebSocket$minusAccept$;
import akka.http.scaladsl.model.headers.Sec$minusWebSocket$minusKey;
import akka.stream.javadsl.Flow;
import akka.util.ByteString;
import chatterbox.platform.http.Takeover;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Takes a new connection whose first request is a WebSocket handshake for {@code /gateway} straight
 * to the gateway's stream (see {@code HttpListener}): the socket then carries no HTTP server stream
 * for its lifetime, about 10 of the 26 KB a session cost.
 *
 * <p>Only a plain, valid handshake is taken: {@code GET /gateway} (any query) over HTTP/1.1 with
 * {@code Host}, {@code Upgrade: websocket}, {@code Connection: upgrade}, version 13, a valid key,
 * no body (Java's client sends {@code Content-Length: 0}), no subprotocol, each of these headers once, and an allowed {@code Origin} (or none).
 * Everything else, refusals included, goes to HTTP, where the gateway's route answers it exactly
 * as before (and still upgrades what it accepts). Extensions a browser offers
 * ({@code permessage-deflate}) are declined by not naming them, as Akka HTTP does.
 */
final class DirectUpgrade implements Takeover {

  private static final ByteString PREFIX = ByteString.fromString("GET /gateway", StandardCharsets.US_ASCII);
  private static final ByteString END_OF_HEAD = ByteString.fromString("\r\n\r\n", StandardCharsets.US_ASCII);
  /** Headers that must come at most once, and those whose presence leaves the request to HTTP. */
  private static final Set<String> SINGLE = Set.of("host", "origin", "upgrade", "connection", "sec-websocket-key",
      "sec-websocket-version", "sec-websocket-protocol", "content-length", "transfer-encoding");
  private static final Set<String> LEFT_TO_HTTP = Set.of("sec-websocket-protocol", "transfer-encoding");

  private final BiPredicate<String, String> originAllowed;
  private final Flow<ByteString, ByteString, ?> connection;
  private final Runnable upgraded;

  /**
   * @param originAllowed whether a page at the origin (first) may connect to the host (second)
   * @param connection the stream of an upgraded connection, from its first frame
   * @param upgraded runs for each connection taken
   */
  DirectUpgrade(BiPredicate<String, String> originAllowed, Flow<ByteString, ByteString, ?> connection, Runnable upgraded) {
    this.originAllowed = originAllowed;
    this.connection = connection;
    this.upgraded = upgraded;
  }

  @Override
  public Decision decide(ByteString received) {
    int common = Math.min(received.size(), PREFIX.size());
    if (!received.take(common).equals(PREFIX.take(common))) return Http.INSTANCE;
    int end = received.indexOfSlice(END_OF_HEAD, 0);
    if (end < 0) return NeedMore.INSTANCE;
    var accept = acceptKey(received.take(end).decodeString(StandardCharsets.ISO_8859_1));
    if (accept.isEmpty()) return Http.INSTANCE;
    upgraded.run();
    var response = ByteString.fromString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
        + "Sec-WebSocket-Accept: " + accept.get() + "\r\n\r\n", StandardCharsets.US_ASCII);
    return new TakeOver(response, end + END_OF_HEAD.size(), connection);
  }

  /** The handshake's answer key when {@code head} (without its blank line) is one this class takes. */
  private Optional<String> acceptKey(String head) {
    var lines = head.split("\r\n", -1);
    var requestLine = lines[0].split(" ", -1);
    if (requestLine.length != 3 || !requestLine[0].equals("GET") || !requestLine[2].equals("HTTP/1.1")
        || !(requestLine[1].equals("/gateway") || requestLine[1].startsWith("/gateway?"))) {
      return Optional.empty();
    }
    var headers = headers(lines);
    if (headers == null || headers.keySet().stream().anyMatch(LEFT_TO_HTTP::contains)
        || !headers.getOrDefault("content-length", "0").equals("0")) {
      return Optional.empty();
    }
    var host = headers.get("host");
    var origin = headers.get("origin");
    var key = new Sec$minusWebSocket$minusKey(headers.getOrDefault("sec-websocket-key", ""));
    boolean valid = host != null
        && "websocket".equalsIgnoreCase(headers.get("upgrade"))
        && hasToken(headers.get("connection"), "upgrade")
        && "13".equals(headers.get("sec-websocket-version"))
        && key.isValid()
        && (origin == null || originAllowed.test(origin, host));
    return valid ? Optional.of(Sec$minusWebSocket$minusAccept$.MODULE$.forKey(key).key()) : Optional.empty();
  }

  /** The head's header fields by lower-case name, or null when one is malformed or repeated where it must not be. */
  private static Map<String, String> headers(String[] lines) {
    var headers = new HashMap<String, String>();
    for (int i = 1; i < lines.length; i++) {
      var line = lines[i];
      int colon = line.indexOf(':');
      // No folded lines (obsolete) and no whitespace before the colon (RFC 9112, 5.1).
      if (colon <= 0 || Character.isWhitespace(line.charAt(0)) || Character.isWhitespace(line.charAt(colon - 1))) return null;
      var name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      var value = line.substring(colon + 1).trim();
      if (headers.put(name, value) != null && SINGLE.contains(name)) return null;
    }
    return headers;
  }

  private static boolean hasToken(String value, String token) {
    if (value == null) return false;
    for (var part : value.split(",")) {
      if (part.trim().equalsIgnoreCase(token)) return true;
    }
    return false;
  }
}
