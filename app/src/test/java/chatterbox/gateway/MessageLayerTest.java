package chatterbox.gateway;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.http.impl.engine.ws.FrameEvent$;
import akka.http.impl.engine.ws.FrameHandler;
import akka.http.impl.engine.ws.FrameStart;
import akka.http.impl.engine.ws.Protocol$Opcode$Pong$;
import akka.http.impl.engine.ws.Protocol$Opcode$Text$;
import akka.http.impl.engine.ws.WebSocket;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.BidiFlow;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.SourceQueueWithComplete;
import akka.stream.typed.javadsl.ActorSink;
import akka.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import scala.Option;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The message layer between Akka HTTP's frame handling and the connection, one stage per socket. */
class MessageLayerTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration TICK = Duration.ofMillis(100);
  private static final String INPUT_ENDED = "the handler's input ended";

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** One socket's layer: frame events go in at {@code frames}, the handler sees {@code handler}, and so on. */
  private static final class Socket {
    final TestProbe<Object> handler = testKit.createTestProbe();
    final TestProbe<Object> sent = testKit.createTestProbe();
    final SourceQueueWithComplete<FrameHandler.Output> frames;
    final SourceQueueWithComplete<WebSocketFrames.Outbound> handlerOutput;

    Socket() {
      var handlerFlow = Flow.fromSinkAndSourceMat(
          Flow.<WebSocketFrames.Inbound, Object>fromFunction(in -> in)
              .to(ActorSink.actorRef(handler.ref(), INPUT_ENDED, failure -> failure)),
          Source.<WebSocketFrames.Outbound>queue(16, OverflowStrategy.fail()), Keep.right());
      var layer = BidiFlow.fromGraph(new MessageLayer(10, TICK))
          .join(handlerFlow, Keep.<akka.NotUsed, SourceQueueWithComplete<WebSocketFrames.Outbound>>right());
      var queues = Source.<FrameHandler.Output>queue(16, OverflowStrategy.fail())
          .viaMat(layer, Keep.both())
          .to(ActorSink.actorRef(sent.ref(), "completed", failure -> failure))
          .run(testKit.system());
      frames = queues.first();
      handlerOutput = queues.second();
    }
  }

  @Test
  void textIsAssembledUpToTheLimitAndControlEventsPassStraightOn() {
    var socket = new Socket();
    socket.frames.offer(new FrameHandler.TextMessagePart("hel", false));
    socket.frames.offer(new FrameHandler.TextMessagePart("lo", true));
    socket.handler.expectMessage(new WebSocketFrames.Text("hello"));
    socket.frames.offer(new FrameHandler.TextMessagePart("0123456789+", true));
    socket.handler.expectMessage(new WebSocketFrames.TooLarge());
    socket.frames.offer(new FrameHandler.TextMessagePart("012345", false));
    socket.frames.offer(new FrameHandler.TextMessagePart("6789+", false));
    socket.handler.expectMessage(new WebSocketFrames.TooLarge());
    socket.frames.offer(new FrameHandler.TextMessagePart("", true));
    socket.handler.expectMessage(new WebSocketFrames.TooLarge());
    socket.frames.offer(new FrameHandler.TextMessagePart("ok", true));
    socket.handler.expectMessage(new WebSocketFrames.Text("ok"));
    socket.frames.offer(new FrameHandler.BinaryMessagePart(ByteString.emptyByteString(), true));
    socket.handler.expectMessage(new WebSocketFrames.Binary());

    var pong = new FrameHandler.DirectAnswer(frame(Protocol$Opcode$Pong$.MODULE$, ""));
    socket.frames.offer(pong);
    assertEquals(pong, socket.sent.receiveMessage());
    socket.handler.expectNoMessage(Duration.ofMillis(50));
    socket.sent.expectNoMessage(TICK.multipliedBy(3)); // an open connection has no ticks
  }

  @Test
  void theHandlersTextGoesOutAsFramesAndItsCloseCarriesTheCodeThenTicks() {
    var socket = new Socket();
    socket.handlerOutput.offer(new WebSocketFrames.Text("hi \u00e9"));
    var frame = (FrameStart) socket.sent.receiveMessage();
    assertEquals(Protocol$Opcode$Text$.MODULE$, frame.header().opcode());
    assertEquals("hi \u00e9", frame.data().utf8String());
    socket.sent.expectNoMessage(TICK.multipliedBy(3));

    socket.handlerOutput.offer(new WebSocketFrames.Close(4009, "session timed out"));
    // A frame already on its way when the connection closed is not sent after the close frame.
    socket.handlerOutput.offer(new WebSocketFrames.Text("late"));
    assertEquals(new FrameHandler.ActivelyCloseWithCode(Option.apply(4009), "session timed out"), socket.sent.receiveMessage());
    for (int i = 0; i < 3; i++) {
      assertEquals(WebSocket.Tick$.MODULE$, socket.sent.receiveMessage(TICK.multipliedBy(5)), "only ticks after the close");
    }
  }

  @Test
  void thePeersCloseEndsTheHandlersInputAndTheHandlersEndIsPassedOn() {
    var socket = new Socket();
    var peerClosed = new FrameHandler.PeerClosed(Option.apply(1000), "bye");
    socket.frames.offer(peerClosed);
    assertEquals(peerClosed, socket.sent.receiveMessage());
    socket.handler.expectMessage(INPUT_ENDED);

    socket.handlerOutput.complete();
    assertEquals(FrameHandler.UserHandlerCompleted$.MODULE$, socket.sent.receiveMessage());
    assertEquals(WebSocket.Tick$.MODULE$, socket.sent.receiveMessage(TICK.multipliedBy(5)));
  }

  @Test
  void aFailingHandlerIsReportedToTheFrameHandling() {
    var socket = new Socket();
    socket.handlerOutput.fail(new IllegalStateException("broken"));
    var erred = assertInstanceOf(FrameHandler.UserHandlerErredOut.class, socket.sent.receiveMessage());
    assertEquals("broken", erred.cause().getMessage());
  }

  private static FrameStart frame(akka.http.impl.engine.ws.Protocol.Opcode opcode, String text) {
    return FrameEvent$.MODULE$.fullFrame(opcode, Option.empty(), ByteString.fromString(text), true, false, false, false);
  }
}
