package chatterbox.gateway;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import chatterbox.gateway.GatewayProtocol.CloseCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The connection actor alone, before any session: HELLO, heartbeats, the refusals and their close
 * codes, and what it does once it has sent a close frame. (Identify, resume and sessions run end to
 * end in {@code GatewayTest}.)
 */
class ConnectionTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(400);
  private static final int RATE_LIMIT_FRAMES = 5;
  private static final String HEARTBEAT = "{\"op\":1,\"d\":null}";

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** Only what a connection uses before IDENTIFY; the services stay out. */
  private static GatewayContext context() {
    var settings = new GatewaySettings(HEARTBEAT_INTERVAL, Duration.ofSeconds(30), 10, 100, RATE_LIMIT_FRAMES,
        Duration.ofSeconds(60), List.of(), Duration.ofSeconds(60), 10, Duration.ofSeconds(60), 250, 10);
    return new GatewayContext(settings, null, null, null, null, 0, null, null, null, new ConcurrentHashMap<>(),
        Duration.ofSeconds(3), null, null, null);
  }

  private record Client(TestProbe<WebSocketFrames.Outbound> socket, ActorRef<Connection.Command> connection) {
    static Client connect() {
      TestProbe<WebSocketFrames.Outbound> socket = testKit.createTestProbe();
      var connection = testKit.spawn(Connection.create(socket.ref(), context()));
      socket.expectMessage(new WebSocketFrames.Text(GatewayProtocol.hello(HEARTBEAT_INTERVAL.toMillis())));
      return new Client(socket, connection);
    }

    void send(WebSocketFrames.Inbound inbound) {
      connection.tell(new Connection.FromClient(inbound));
    }

    void expectClose(CloseCode code) {
      var close = assertInstanceOf(WebSocketFrames.Close.class, socket.receiveMessage());
      assertEquals(code.code, close.code(), close.reason());
    }

    /** After its close frame the connection sends nothing more and stops when the socket ends. */
    void expectClosingThenStopsWhenTheSocketEnds() {
      connection.tell(new Connection.Send("{\"late\":true}"));
      send(new WebSocketFrames.Text(HEARTBEAT));
      socket.expectNoMessage(Duration.ofMillis(100));
      connection.tell(Connection.ClientGone.INSTANCE);
      socket.expectTerminated(connection);
    }
  }

  @Test
  void heartbeatsAreAckedAndAnythingElseBeforeIdentifyCloses4003() {
    var client = Client.connect();
    client.send(new WebSocketFrames.Text(HEARTBEAT));
    client.socket().expectMessage(new WebSocketFrames.Text(GatewayProtocol.frame(GatewayProtocol.HEARTBEAT_ACK, null)));
    client.connection().tell(new Connection.Send("{\"op\":0}"));
    client.socket().expectMessage(new WebSocketFrames.Text("{\"op\":0}"));

    client.send(new WebSocketFrames.Text("{\"op\":3,\"d\":{\"room\":\"general\",\"text\":\"hi\"}}"));
    client.expectClose(CloseCode.NOT_AUTHENTICATED);
    client.expectClosingThenStopsWhenTheSocketEnds();
  }

  @Test
  void refusedFramesCloseWithTheirCodes() {
    var binary = Client.connect();
    binary.send(new WebSocketFrames.Binary());
    binary.expectClose(CloseCode.DECODE_ERROR);
    binary.expectClosingThenStopsWhenTheSocketEnds();

    var tooLarge = Client.connect();
    tooLarge.send(new WebSocketFrames.TooLarge());
    tooLarge.expectClose(CloseCode.FRAME_TOO_LARGE);

    var unknown = Client.connect();
    unknown.send(new WebSocketFrames.Text("{\"op\":42}"));
    unknown.expectClose(CloseCode.UNKNOWN_OPCODE);
  }

  @Test
  void framesOverTheRateLimitClose4008() {
    var client = Client.connect();
    for (int i = 0; i < RATE_LIMIT_FRAMES; i++) {
      client.send(new WebSocketFrames.Text(HEARTBEAT));
      client.socket().expectMessage(new WebSocketFrames.Text(GatewayProtocol.frame(GatewayProtocol.HEARTBEAT_ACK, null)));
    }
    client.send(new WebSocketFrames.Text(HEARTBEAT));
    client.expectClose(CloseCode.RATE_LIMITED);
  }

  @Test
  void aConnectionThatNeverIdentifiesIsClosed4009() {
    var client = Client.connect();
    var close = assertInstanceOf(WebSocketFrames.Close.class,
        client.socket().receiveMessage(HEARTBEAT_INTERVAL.multipliedBy(4)));
    assertEquals(CloseCode.SESSION_TIMED_OUT.code, close.code(), close.reason());
    client.expectClosingThenStopsWhenTheSocketEnds();
  }
}
