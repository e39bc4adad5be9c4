package chatterbox.gateway;

import akka.http.impl.engine.ws.FrameEvent$;
import akka.http.impl.engine.ws.FrameHandler;
import akka.http.impl.engine.ws.FrameStart;
import akka.http.impl.engine.ws.Protocol$Opcode$Text$;
import akka.http.impl.engine.ws.WebSocket;
import akka.stream.Attributes;
import akka.stream.BidiShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.TimerGraphStageLogic;
import akka.util.ByteString;
import scala.Option;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The WebSocket message layer of one connection, between Akka HTTP's frame handling and the
 * handler, as one stage: it assembles the client's text messages (up to the limit), passes control
 * events straight through (pings, the peer's close), renders the handler's output as frames, turns
 * {@link WebSocketFrames.Close} into a close frame with its code, and ticks for the close timeout.
 *
 * <p>It does what eight stages did (broadcast, filter, map, take-while, message assembly, tick
 * source, merge and the handler's output), each of which cost every open socket a stage logic,
 * its attributes, its ports and its async-callback set. The ticks only start once the connection
 * is closing: Akka HTTP's {@code FrameOutHandler} reads them only then (to give up on a peer that
 * does not answer the close), so an idle socket keeps no timer.
 *
 * <p>Flow control is that of the stages it replaces: the next frame event is read once the
 * previous one was passed on (to the handler and, for control events, downstream), and the
 * handler's next message once the previous one went out.
 */
final class MessageLayer extends GraphStage<BidiShape<FrameHandler.Output, WebSocketFrames.Inbound, WebSocketFrames.Outbound, Object>> {

  private static final String CLOSE_TICKS = "close-ticks";

  private final Inlet<FrameHandler.Output> fromFrames = Inlet.create("MessageLayer.fromFrames");
  private final Outlet<WebSocketFrames.Inbound> toHandler = Outlet.create("MessageLayer.toHandler");
  private final Inlet<WebSocketFrames.Outbound> fromHandler = Inlet.create("MessageLayer.fromHandler");
  private final Outlet<Object> toFrames = Outlet.create("MessageLayer.toFrames");
  private final BidiShape<FrameHandler.Output, WebSocketFrames.Inbound, WebSocketFrames.Outbound, Object> shape =
      BidiShape.of(fromFrames, toHandler, fromHandler, toFrames);
  private final int maxMessageChars;
  private final Duration tickInterval;

  /**
   * @param maxMessageChars the longest text message the handler is given (longer ones arrive as
   *                        {@link WebSocketFrames.TooLarge})
   * @param tickInterval how often Akka HTTP's frame handling checks its close timeout
   */
  MessageLayer(int maxMessageChars, Duration tickInterval) {
    this.maxMessageChars = maxMessageChars;
    this.tickInterval = tickInterval;
  }

  @Override
  public BidiShape<FrameHandler.Output, WebSocketFrames.Inbound, WebSocketFrames.Outbound, Object> shape() {
    return shape;
  }

  @Override
  public TimerGraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new Logic();
  }

  private final class Logic extends TimerGraphStageLogic {
    private final MessageAssembler assembler = new MessageAssembler(maxMessageChars);
    /** A control event is on its way downstream: the next frame event waits for it. */
    private boolean controlEventPending;
    private boolean ticking;

    Logic() {
      super(shape);
      setHandler(fromFrames, new AbstractInHandler() {
        @Override
        public void onPush() {
          onFrameEvent(grab(fromFrames));
        }

        @Override
        public void onUpstreamFinish() {
          if (!isClosed(toHandler)) complete(toHandler);
        }
      });
      setHandler(toHandler, new AbstractOutHandler() {
        @Override
        public void onPull() {
          pullFramesWhenPassedOn();
        }

        @Override
        public void onDownstreamFinish(Throwable cause) {
          // The handler is done reading; control events still flow until the close handshake ends.
          pullFramesWhenPassedOn();
        }
      });
      setHandler(fromHandler, new AbstractInHandler() {
        @Override
        public void onPush() {
          onHandlerOutput(grab(fromHandler));
        }

        @Override
        public void onUpstreamFinish() {
          sendClosing(FrameHandler.UserHandlerCompleted$.MODULE$);
        }

        @Override
        public void onUpstreamFailure(Throwable failure) {
          sendClosing(new FrameHandler.UserHandlerErredOut(failure));
        }
      });
      setHandler(toFrames, new AbstractOutHandler() {
        @Override
        public void onPull() {}
      });
    }

    @Override
    public void preStart() {
      pullFramesWhenPassedOn();
      pull(fromHandler);
    }

    private void onFrameEvent(FrameHandler.Output event) {
      if (event instanceof FrameHandler.BypassEvent) {
        controlEventPending = true;
        emit(toFrames, event, () -> {
          controlEventPending = false;
          pullFramesWhenPassedOn();
        });
        if (!(event instanceof FrameHandler.DirectAnswer)) startTicks();
      }
      if (!isClosed(toHandler)) {
        if (event instanceof FrameHandler.PeerClosed || event instanceof FrameHandler.ActivelyCloseWithCode) {
          complete(toHandler); // the handler hears no more after a close
        } else {
          var message = assembler.accept(event);
          if (message != null) push(toHandler, message);
        }
      }
      pullFramesWhenPassedOn();
    }

    /** Reads the next frame event once the last one is passed on and the handler wants more (or has gone). */
    private void pullFramesWhenPassedOn() {
      if (!controlEventPending && !isClosed(fromFrames) && !hasBeenPulled(fromFrames)
          && (isClosed(toHandler) || isAvailable(toHandler))) {
        pull(fromFrames);
      }
    }

    private void onHandlerOutput(WebSocketFrames.Outbound next) {
      if (next instanceof WebSocketFrames.Close close) {
        cancel(fromHandler); // nothing goes out after the close frame
        sendClosing(new FrameHandler.ActivelyCloseWithCode(Option.apply(close.code()), close.reason()));
      } else {
        var bytes = ByteString.fromString(((WebSocketFrames.Text) next).text(), StandardCharsets.UTF_8);
        FrameStart frame = FrameEvent$.MODULE$.fullFrame(Protocol$Opcode$Text$.MODULE$, Option.empty(), bytes, true, false, false, false);
        emit(toFrames, frame, () -> tryPull(fromHandler));
      }
    }

    /** Sends what starts or ends the close handshake; from then on the frame handling needs its ticks. */
    private void sendClosing(Object event) {
      emit(toFrames, event);
      startTicks();
    }

    private void startTicks() {
      if (ticking) return;
      ticking = true;
      scheduleWithFixedDelay(CLOSE_TICKS, tickInterval, tickInterval);
    }

    @Override
    public void onTimer(Object key) {
      // Like the tick source it replaces: a tick nobody is ready for is dropped.
      if (isAvailable(toFrames)) push(toFrames, WebSocket.Tick$.MODULE$);
    }
  }
}
