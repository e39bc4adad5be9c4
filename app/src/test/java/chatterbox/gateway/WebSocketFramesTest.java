package chatterbox.gateway;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.impl.engine.server.UpgradeToOtherProtocolResponseHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.scaladsl.model.headers.Sec$minusWebSocket$minusKey;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The upgrade response: Akka HTTP's handshake answer, with one byte-level stream shared by every socket. */
class WebSocketFramesTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void everyUpgradeAnswersItsOwnKeyAndSharesOneStream() {
    var switchTo = WebSocketFrames.switchTo(WebSocketFrames.stream(
        Flow.<WebSocketFrames.Inbound>create().map(in -> (WebSocketFrames.Outbound) new WebSocketFrames.Text("echo")),
        100, testKit.system()));
    // RFC 6455, section 1.3: the sample key and its accept value.
    var first = WebSocketFrames.upgrade(withKey("dGhlIHNhbXBsZSBub25jZQ=="), switchTo);
    var second = WebSocketFrames.upgrade(withKey("AQIDBAUGBwgJCgsMDQ4PEA=="), switchTo);

    assertEquals(StatusCodes.SWITCHING_PROTOCOLS, first.status());
    assertEquals("websocket", header(first, "Upgrade"));
    assertEquals("upgrade", header(first, "Connection").toLowerCase());
    assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", header(first, "Sec-WebSocket-Accept"));
    assertEquals("C/0nmHhBztSRGR1CwL6Tf4ZjwpY=", header(second, "Sec-WebSocket-Accept"));
    assertSame(stream(first), stream(second), "the stream is built once, not per connection");
  }

  @Test
  void theSharedStreamUnmasksWhatTheClientSendsAndFramesTheAnswer() throws Exception {
    var stream = WebSocketFrames.stream(
        Flow.<WebSocketFrames.Inbound>create().map(in -> (WebSocketFrames.Outbound) new WebSocketFrames.Text(
            "got " + ((WebSocketFrames.Text) in).text())),
        100, testKit.system());
    // A client's text frame "hi": FIN + text, masked, length 2, the mask, then the payload XOR the mask.
    byte[] mask = {0x11, 0x22, 0x33, 0x44};
    var clientFrame = ByteString.fromArray(new byte[] {(byte) 0x81, (byte) 0x82, mask[0], mask[1], mask[2], mask[3],
        (byte) ('h' ^ mask[0]), (byte) ('i' ^ mask[1])});
    var answer = Source.single(clientFrame).concat(Source.maybe())
        .via(stream)
        .runWith(Sink.head(), testKit.system())
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    // The server's frame: FIN + text, unmasked, length 6, "got hi".
    assertEquals(ByteString.fromArray(new byte[] {(byte) 0x81, 6}).concat(ByteString.fromString("got hi")), answer);
  }

  private static HttpRequest withKey(String key) {
    return HttpRequest.GET("/gateway").addHeader(new Sec$minusWebSocket$minusKey(key));
  }

  private static String header(HttpResponse response, String name) {
    return response.getHeader(name).orElseThrow().value();
  }

  private static Object stream(HttpResponse response) {
    return response.getHeader(UpgradeToOtherProtocolResponseHeader.class).orElseThrow().handler();
  }
}
