package chatterbox.api;

import chatterbox.platform.http.Json;
import chatterbox.testing.GatewayClient;
import chatterbox.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static chatterbox.platform.testing.RawHttp.connect;
import static chatterbox.platform.testing.RawHttp.readBody;
import static chatterbox.platform.testing.RawHttp.readHead;
import static chatterbox.platform.testing.RawHttp.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's handshake on the app's real port: a connection opened for the gateway runs the
 * gateway's stream alone (the direct path), any other handshake is still served by the HTTP route,
 * and either way the client gets the same gateway.
 */
class GatewayHandshakeTest {

  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  private static final String HANDSHAKE = "GET /gateway HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
      + "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  private static TestStack stack;
  private static int port;

  @BeforeAll
  static void start() {
    stack = TestStack.start(Map.of("chatterbox.gateway.heartbeat-interval", "1s"));
    port = stack.app().httpPort();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void aClientsConnectionToTheGatewayTakesTheDirectPath() throws Exception {
    double direct = upgrades("direct");
    double http = upgrades("http");
    try (var client = GatewayClient.connect(port, "http://127.0.0.1:" + port)) {
      client.expectOp(10);
    }
    assertEquals(direct + 1, upgrades("direct"));
    assertEquals(http, upgrades("http"), "Akka HTTP upgraded nothing");
  }

  @Test
  void aHandshakeInPiecesWithAFrameBehindItIsTakenWhole() throws Exception {
    double direct = upgrades("direct");
    try (var socket = connect(port)) {
      write(socket, HANDSHAKE.substring(0, 10));
      Thread.sleep(50); // three separate reads on the server, most likely
      write(socket, HANDSHAKE.substring(10, 70));
      Thread.sleep(50);
      write(socket, concat(HANDSHAKE.substring(70).getBytes(StandardCharsets.US_ASCII), clientFrame("{\"op\":1,\"d\":null}")));
      var head = readHead(socket.getInputStream());
      assertTrue(head.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), head);
      assertTrue(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), head);
      assertEquals(10, Json.MAPPER.readTree(readFrame(socket.getInputStream())).path("op").asInt(), "HELLO");
      assertEquals(11, Json.MAPPER.readTree(readFrame(socket.getInputStream())).path("op").asInt(),
          "the heartbeat sent behind the handshake is acknowledged");
    }
    assertEquals(direct + 1, upgrades("direct"));
  }

  @Test
  void aHandshakeAfterAnotherRequestOnTheSameConnectionIsUpgradedByHttp() throws Exception {
    double http = upgrades("http");
    try (var socket = connect(port)) {
      write(socket, "GET /gateway HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      var refused = readHead(socket.getInputStream());
      assertTrue(refused.startsWith("HTTP/1.1 400"), refused);
      readBody(socket.getInputStream(), refused);
      write(socket, HANDSHAKE);
      var head = readHead(socket.getInputStream());
      assertTrue(head.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), head);
      assertEquals(10, Json.MAPPER.readTree(readFrame(socket.getInputStream())).path("op").asInt(), "HELLO");
    }
    assertEquals(http + 1, upgrades("http"));
  }

  @Test
  void aHandshakeTheDirectPathDeclinesGetsTheRoutesAnswer() throws Exception {
    double direct = upgrades("direct");
    try (var socket = connect(port)) {
      write(socket, HANDSHAKE.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8"));
      var head = readHead(socket.getInputStream());
      assertTrue(head.startsWith("HTTP/1.1 400"), head);
      var body = Json.MAPPER.readTree(readBody(socket.getInputStream(), head));
      assertEquals("upgrade", body.path("errors").get(0).path("field").asText(), body.toString());
    }
    assertEquals(direct, upgrades("direct"));
  }

  private static double upgrades(String path) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .header("Authorization", "Bearer " + TestStack.OPERATOR_TOKEN).build();
    var text = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
    var sample = "chatterbox_gateway_upgrades_total{path=\"" + path + "\"} ";
    return text.lines().filter(line -> line.startsWith(sample))
        .mapToDouble(line -> Double.parseDouble(line.substring(sample.length()))).findFirst().orElse(0);
  }

  /** A client's text frame: masked, as RFC 6455 requires of clients (payload under 126 bytes). */
  private static byte[] clientFrame(String text) {
    var payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] mask = {0x37, (byte) 0xfa, 0x21, 0x3d};
    var frame = new byte[6 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(mask, 0, frame, 2, 4);
    for (int i = 0; i < payload.length; i++) frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    return frame;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    var both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  /** A server's text frame (unmasked), its payload as text. */
  private static String readFrame(InputStream in) throws IOException {
    var start = in.readNBytes(2);
    assertEquals((byte) 0x81, start[0], "a whole text frame");
    int length = start[1] & 0x7f;
    if (length == 126) {
      var extended = in.readNBytes(2);
      length = ((extended[0] & 0xff) << 8) | (extended[1] & 0xff);
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
