package chatterbox.gateway;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.http.impl.engine.ws.FrameEvent;
import akka.http.impl.engine.ws.FrameEvent$;
import akka.http.impl.engine.ws.FrameHandler;
import akka.http.impl.engine.ws.Protocol$Opcode$Text$;
import akka.http.impl.engine.server.UpgradeToOtherProtocolResponseHeader;
import akka.http.impl.engine.ws.Handshake$;
import akka.http.impl.engine.ws.WebSocket$;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.scaladsl.model.headers.Sec$minusWebSocket$minusAccept$;
import akka.http.scaladsl.model.headers.Sec$minusWebSocket$minusKey;
import akka.stream.Attributes;
import akka.stream.BidiShape;
import akka.stream.FlowShape;
import akka.stream.Graph;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.javadsl.BidiFlow;
import akka.stream.javadsl.Broadcast;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.GraphDSL;
import akka.stream.javadsl.Merge;
import akka.stream.javadsl.Source;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.util.ByteString;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * WebSocket connections at the level of whole text messages, with one thing Akka HTTP's public API
 * lacks: closing with an application close code (4000-4999, as the gateway protocol documents;
 * akka/akka-http#2458). It reuses Akka HTTP's own masking, control-frame and close-handshake stages
 * and replaces only the top "message" layer, which is where a close code can be given.
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
   * What switches an upgraded connection to {@code handler}: Akka HTTP's framing, masking and frame
   * handling, the message layer and {@code handler}, as one byte-level stream. Build it once and
   * give it to every {@link #upgrade}: Akka HTTP keeps the stream's blueprint for the lifetime of
   * each open WebSocket (its response renderer holds the upgrade response), so a blueprint built or
   * joined per connection costs every connection its traversal (~6 KB for the whole stack, ~2.3 KB
   * for the framing join that {@code handleFrames} does). It holds no per-connection state;
   * materializing it creates that.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static UpgradeToOtherProtocolResponseHeader switchTo(Flow<Inbound, Outbound, ?> handler, int maxMessageChars,
                                                       ActorSystem<?> system) {
    var timeout = FiniteDuration.create(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    // Scala's variance does not carry over to Java's generics: the stages fit, the types need a cast.
    // The random masks what a client sends; a server never calls it.
    akka.stream.scaladsl.BidiFlow framing = WebSocket$.MODULE$.framing();
    akka.stream.scaladsl.BidiFlow masking = WebSocket$.MODULE$.masking(true, SecureRandom::new);
    akka.stream.scaladsl.BidiFlow frameHandling = WebSocket$.MODULE$.frameHandling(true, timeout, system.classicSystem().log());
    akka.stream.scaladsl.BidiFlow messages = messageLayer(maxMessageChars).asScala();
    Graph frames = masking.atop(frameHandling).atop(messages).join(handler.asScala());
    return new UpgradeToOtherProtocolResponseHeader(framing.join(frames));
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

  /**
   * Between Akka's frame handling and the handler: assembles text messages (up to the limit),
   * passes control events straight through (pings, the peer's close), renders the handler's
   * output, and turns {@link Close} into a close frame with its code.
   */
  private static BidiFlow<FrameHandler.Output, Inbound, Outbound, Object, NotUsed> messageLayer(int maxMessageChars) {
    var tick = FiniteDuration.create(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    return BidiFlow.fromGraph(GraphDSL.create(builder -> {
      var split = builder.add(Broadcast.<FrameHandler.Output>create(2));
      var merge = builder.add(Merge.<Object>create(3));
      var bypass = builder.add(Flow.<FrameHandler.Output>create()
          .filter(event -> event instanceof FrameHandler.BypassEvent)
          .map(event -> (Object) event));
      var toHandler = builder.add(Flow.<FrameHandler.Output>create()
          .takeWhile(event -> !(event instanceof FrameHandler.PeerClosed)
              && !(event instanceof FrameHandler.ActivelyCloseWithCode))
          .statefulMapConcat(() -> new MessageAssembler(maxMessageChars)::accept));
      var fromHandler = builder.add(Flow.fromGraph(new HandlerOutput()));
      var ticks = builder.add(Source.tick(java.time.Duration.ofNanos(tick.toNanos()),
          java.time.Duration.ofNanos(tick.toNanos()), (Object) akka.http.impl.engine.ws.WebSocket.Tick$.MODULE$));

      builder.from(split.out(0)).via(bypass).toInlet(merge.in(0));
      builder.from(split.out(1)).toInlet(toHandler.in());
      builder.from(fromHandler.out()).toInlet(merge.in(1));
      builder.from(ticks).toInlet(merge.in(2));
      return new BidiShape<>(split.in(), toHandler.out(), fromHandler.in(), merge.out());
    }));
  }

  /**
   * The handler's output as frame events: text frames, then either the close frame with the
   * handler's code (after which nothing more is sent) or, when the handler completes or fails
   * without one, the event that lets Akka HTTP close normally or with 1011. One stage, its state in
   * its logic, so the layer's blueprint can be shared by all connections.
   */
  private static final class HandlerOutput extends GraphStage<FlowShape<Outbound, Object>> {
    private final Inlet<Outbound> in = Inlet.create("HandlerOutput.in");
    private final Outlet<Object> out = Outlet.create("HandlerOutput.out");
    private final FlowShape<Outbound, Object> shape = FlowShape.of(in, out);

    @Override
    public FlowShape<Outbound, Object> shape() {
      return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
      return new GraphStageLogic(shape) {
        {
          setHandler(in, new AbstractInHandler() {
            @Override
            public void onPush() {
              var next = grab(in);
              if (next instanceof Close close) {
                push(out, new FrameHandler.ActivelyCloseWithCode(Option.apply(close.code()), close.reason()));
                completeStage();
              } else {
                var bytes = ByteString.fromString(((Text) next).text(), StandardCharsets.UTF_8);
                push(out, FrameEvent$.MODULE$.fullFrame(Protocol$Opcode$Text$.MODULE$, Option.empty(), bytes, true, false, false, false));
              }
            }

            @Override
            public void onUpstreamFinish() {
              emit(out, FrameHandler.UserHandlerCompleted$.MODULE$, () -> completeStage());
            }

            @Override
            public void onUpstreamFailure(Throwable failure) {
              emit(out, new FrameHandler.UserHandlerErredOut(failure), () -> completeStage());
            }
          });
          setHandler(out, new AbstractOutHandler() {
            @Override
            public void onPull() {
              pull(in);
            }
          });
        }
      };
    }
  }

  /** Joins the parts of each message; refuses binary ones and text beyond the limit. */
  private static final class MessageAssembler {
    private final int maxChars;
    private final StringBuilder text = new StringBuilder();
    private boolean overflowed;

    MessageAssembler(int maxChars) {
      this.maxChars = maxChars;
    }

    List<Inbound> accept(FrameHandler.Output event) {
      if (event instanceof FrameHandler.TextMessagePart part) {
        if (!overflowed) text.append(part.data());
        boolean tooLarge = !overflowed && text.length() > maxChars;
        if (tooLarge) {
          overflowed = true;
          text.setLength(0);
        }
        if (part.last()) {
          var complete = overflowed ? null : text.toString();
          text.setLength(0);
          overflowed = false;
          return tooLarge || complete == null ? List.of(new TooLarge()) : List.of(new Text(complete));
        }
        return tooLarge ? List.of(new TooLarge()) : List.of();
      }
      if (event instanceof FrameHandler.BinaryMessagePart part) {
        return part.last() ? List.of(new Binary()) : List.of();
      }
      return List.of();
    }
  }
}
