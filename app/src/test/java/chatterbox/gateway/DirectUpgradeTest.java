package chatterbox.gateway;

import akka.stream.javadsl.Flow;
import akka.util.ByteString;
import chatterbox.platform.http.Takeover;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Which first requests the gateway takes straight to its stream, and what it answers them. */
class DirectUpgradeTest {

  /** RFC 6455, section 1.3: the sample key and its accept value. */
  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  private static final String HANDSHAKE = "GET /gateway HTTP/1.1\r\nHost: chat.example\r\nUpgrade: websocket\r\n"
      + "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n";
  private static final Flow<ByteString, ByteString, ?> STREAM = Flow.create();

  private final AtomicInteger upgraded = new AtomicInteger();
  private final DirectUpgrade direct = new DirectUpgrade(
      (origin, host) -> origin.equals("https://" + host) || origin.equals("http://localhost:5173"), STREAM, upgraded::incrementAndGet);

  private Takeover.Decision decide(String bytes) {
    return direct.decide(ByteString.fromString(bytes, StandardCharsets.ISO_8859_1));
  }

  @Test
  void aPlainHandshakeIsTakenWithTheAcceptKeyOfItsKey() {
    var head = HANDSHAKE + "\r\n";
    var taken = assertInstanceOf(Takeover.TakeOver.class, decide(head + "\u0081\u0080 first frame"));
    assertEquals("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n", taken.response().utf8String());
    assertEquals(head.length(), taken.consumed(), "what follows the head is the stream's first input");
    assertSame(STREAM, taken.protocol());
    assertEquals(1, upgraded.get());
  }

  @Test
  void headersAreReadWhateverTheirCaseAndWithTheirUsualCompanions() {
    var head = "GET /gateway?v=1&encoding=json HTTP/1.1\r\nhost: chat.example\r\nUPGRADE: WebSocket\r\n"
        + "connection: keep-alive, Upgrade\r\nsec-websocket-key: " + KEY + "\r\nsec-websocket-version:13\r\n"
        + "Origin: https://chat.example\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
        + "User-Agent: test\r\nAccept-Encoding: gzip\r\nCookie: a=1\r\nCookie: b=2\r\nContent-Length: 0\r\n\r\n";
    assertInstanceOf(Takeover.TakeOver.class, decide(head));
    assertInstanceOf(Takeover.TakeOver.class, decide(HANDSHAKE + "Origin: http://localhost:5173\r\n\r\n"));
  }

  @Test
  void anIncompleteHeadWaitsForMore() {
    assertSame(Takeover.NeedMore.INSTANCE, decide("G"));
    assertSame(Takeover.NeedMore.INSTANCE, decide("GET /gat"));
    assertSame(Takeover.NeedMore.INSTANCE, decide(HANDSHAKE));
    assertSame(Takeover.NeedMore.INSTANCE, decide(HANDSHAKE + "\r"));
    assertEquals(0, upgraded.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"P", "GET /api", "POST /gateway HTTP/1.1\r\n", "HEAD /gateway", "get /gateway"})
  void otherRequestsGoToHttpFromTheirFirstDifferentByte(String start) {
    assertSame(Takeover.Http.INSTANCE, decide(start));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "GET /gateway HTTP/1.0\r\n",
      "GET /gatewayx HTTP/1.1\r\n",
      "GET /gateway/x HTTP/1.1\r\n",
      "GET  /gateway HTTP/1.1\r\n",
      "GET /gateway HTTP/1.1 \r\n"})
  void anotherTargetOrVersionGoesToHttp(String requestLine) {
    assertSame(Takeover.Http.INSTANCE, decide(requestLine + HANDSHAKE.substring(HANDSHAKE.indexOf("\r\n") + 2) + "\r\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Host: chat.example\r\n",
      "Upgrade: websocket\r\n",
      "Connection: Upgrade\r\n",
      "Sec-WebSocket-Key: " + KEY + "\r\n",
      "Sec-WebSocket-Version: 13\r\n"})
  void aHandshakeWithoutOneOfItsHeadersGoesToHttp(String missing) {
    assertSame(Takeover.Http.INSTANCE, decide(HANDSHAKE.replace(missing, "") + "\r\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Upgrade: websocket|Upgrade: h2c",
      "Connection: Upgrade|Connection: keep-alive",
      "Sec-WebSocket-Version: 13|Sec-WebSocket-Version: 8",
      "Sec-WebSocket-Key: " + KEY + "|Sec-WebSocket-Key: too-short",
      "Host: chat.example|Host: chat.example\r\nHost: other.example",
      "Sec-WebSocket-Key: " + KEY + "|Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==",
      "Host: chat.example|Host : chat.example",
      "Host: chat.example|Host: chat.example\r\n folded",
      "Host: chat.example|Host chat.example"})
  void aHandshakeWithAWrongOrAmbiguousHeaderGoesToHttp(String replacement) {
    var parts = replacement.split("\\|");
    assertSame(Takeover.Http.INSTANCE, decide(HANDSHAKE.replace(parts[0], parts[1]) + "\r\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Origin: https://evil.example\r\n",
      "Origin: http://chat.example\r\n",
      "Sec-WebSocket-Protocol: chat\r\n",
      "Content-Length: 5\r\n",
      "Transfer-Encoding: chunked\r\n"})
  void aForeignOriginASubprotocolOrABodyGoesToHttp(String header) {
    assertSame(Takeover.Http.INSTANCE, decide(HANDSHAKE + header + "\r\n"));
    assertEquals(0, upgraded.get());
  }
}
