package chatterbox.gateway;

import akka.actor.typed.ActorSystem;
import akka.http.impl.engine.server.UpgradeToOtherProtocolResponseHeader;
import akka.http.impl.engine.ws.FrameHandler$;
import akka.http.impl.engine.ws.FrameOutHandler$;
import akka.http.impl.engine.ws.Handshake$;
import akka.http.impl.engine.ws.Masking$;
import akka.http.impl.engine.ws.WebSocket$;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.scaladsl.model.headers.Sec$minusWebSocket$minusAccept$;
import akka.http.scaladsl.model.headers.Sec$minusWebSocket$minusKey;
import akka.stream.Graph;
import akka.stream.javadsl.Flow;
import akka.util.ByteString;
import scala.concurrent.duration.FiniteDuration;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * WebSocket connections at the level of whole text messages, with one thing Akka HTTP's public API
 * lacks: closing with an application close code (4000-4999, as the gateway protocol documents;
 * akka/akka-http#2458). It reuses Akka HTTP's own masking, control-frame and close-handshake stages
 * and replaces only the top "message" layer ({@link MessageLayer}), which is where a close code can be given.
 *
 * <p>This uses Akka HTTP internals ({@code akka.http.impl.engine.ws}), pinned by the build to
 * 10.5.3; {@code GatewayProtocolTest} checks the close codes on the wire, so an upgrade that breaks
 * this fails the build rather than production.
 */
final class WebSocketFrames {

  /** What the client sent: a whole text message, or something the gateway refuses. */
  sealed interface Inbound {}

  record Text(String text) implements Inbound, Outbound {}

  record Binary() implements Inbound {}

  /** A text message longer than the limit: its content is dropped unread. */
  record TooLarge() implements Inbound {}

  /** What the server sends: text, or the close frame (which ends the connection). */
  sealed interface Outbound {}

  record Close(int code, String reason) implements Outbound {}

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);

  private WebSocketFrames() {}

  /**
   * An upgraded connection's whole stream, bytes in and out: Akka HTTP's framing, masking and frame
   * handling, the message layer and {@code handler}. Build it once and give it to every connection
   * (through {@link #switchTo} or {@link DirectUpgrade}): Akka HTTP keeps the stream's blueprint for
   * the lifetime of each open WebSocket (its response renderer holds the upgrade response), so a
   * blueprint built or joined per connection costs every connection its traversal (~6 KB for the
   * whole stack, ~2.3 KB for the framing join that {@code handleFrames} does). It holds no
   * per-connection state; materializing it creates that.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Flow<ByteString, ByteString, ?> stream(Flow<Inbound, Outbound, ?> handler, int maxMessageChars, ActorSystem<?> system) {
    var timeout = FiniteDuration.create(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    // Scala's variance does not carry over to Java's generics: the stages fit, the types need a cast.
    akka.stream.scaladsl.BidiFlow framing = WebSocket$.MODULE$.framing();
    // Akka HTTP's masking layer (WebSocket.masking) has an identity stage of its own on the way out
    // of every server connection, where nothing is masked: only unmasking the client's frames is
    // kept, in front of the frame handler (one stage logic less per socket).
    akka.stream.scaladsl.Flow unmaskAndHandle = Masking$.MODULE$.unmaskIf(true).via(FrameHandler$.MODULE$.create(true));
    akka.stream.scaladsl.Flow handleOutput = FrameOutHandler$.MODULE$.create(true, timeout, system.classicSystem().log());
    akka.stream.scaladsl.BidiFlow frameHandling = akka.stream.javadsl.BidiFlow.fromFlows(unmaskAndHandle, handleOutput).asScala();
    akka.stream.scaladsl.BidiFlow messages = akka.stream.scaladsl.BidiFlow.fromGraph(new MessageLayer(maxMessageChars, CLOSE_TIMEOUT));
    Graph frames = frameHandling.atop(messages).join(handler.asScala());
    return Flow.fromGraph((Graph) framing.join(frames));
  }

  /** What switches a connection that Akka HTTP upgraded to {@code stream} (from {@link #stream}). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static UpgradeToOtherProtocolResponseHeader switchTo(Flow<ByteString, ByteString, ?> stream) {
    return new UpgradeToOtherProtocolResponseHeader((akka.stream.scaladsl.Flow) stream.asScala());
  }

  /**
   * The 101 response that upgrades {@code request} (a valid WebSocket handshake: Akka HTTP gave it
   * the upgrade attribute) and runs {@code switchTo} (from {@link #switchTo}) on the socket. The
   * same response as Akka HTTP's {@code handleFrames} without a subprotocol, except that the stream
   * is shared rather than joined to the framing stages anew for each connection.
   */
  static HttpResponse upgrade(HttpRequest request, UpgradeToOtherProtocolResponseHeader switchTo) {
    var key = request.getHeader(Sec$minusWebSocket$minusKey.class).orElseThrow();
    return HttpResponse.create().withStatus(StatusCodes.SWITCHING_PROTOCOLS).withHeaders(List.of(
        Handshake$.MODULE$.UpgradeHeader(), Handshake$.MODULE$.ConnectionUpgradeHeader(),
        Sec$minusWebSocket$minusAccept$.MODULE$.forKey(key), switchTo));
  }
}
