package chatterbox.platform.http;

import akka.Done;
import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Source;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.AsyncCallback;
import akka.stream.stage.GraphStageLogic;
import akka.stream.stage.GraphStageWithMaterializedValue;
import akka.stream.stage.TimerGraphStageLogic;
import akka.util.ByteString;
import scala.Tuple2;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The byte stream of one TCP connection, decided by its first request: {@link Takeover} looks at
 * the bytes until it knows, then the connection runs either the taken-over protocol or HTTP, as a
 * sub-stream fed with everything received so far. One stage, shared by every connection as a
 * blueprint. Its materialized value completes when the connection stops being an HTTP connection:
 * when it is taken over, or when it ends. (Akka HTTP's own binding frees a connection's place among
 * its {@code max-connections} likewise once it upgrades to a WebSocket: the limit is on HTTP.)
 *
 * <p>Until it is decided a connection gets {@code firstRequestTimeout} (Akka HTTP's idle timeout:
 * a client that connects and sends nothing, or too little, is closed), and at most
 * {@code maxUndecided} bytes: beyond that HTTP gets them and answers by its own limits.
 *
 * <p>While it is open a connection keeps a way to close it from outside in {@code open} (the
 * listener closes what is left at shutdown), and leaves {@code open} only once TCP has closed it.
 * A close is graceful: the protocol's input ends (as if the client had stopped sending), what it
 * still sends goes out, and then TCP flushes and closes the socket; meanwhile whatever the client
 * sends is read and dropped. Stopping the stage at once instead lost a response under way, or, when
 * the actor system ended right after, let the TCP actor reset the connection before its last bytes
 * were written.
 */
final class ConnectionSwitch extends GraphStageWithMaterializedValue<FlowShape<ByteString, ByteString>, CompletionStage<Done>> {

  private static final Object FIRST_REQUEST_TIMEOUT = "first-request-timeout";

  private final Inlet<ByteString> in = Inlet.create("ConnectionSwitch.in");
  private final Outlet<ByteString> out = Outlet.create("ConnectionSwitch.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
  private final Takeover takeover;
  private final Supplier<Flow<ByteString, ByteString, ?>> http;
  private final Duration firstRequestTimeout;
  private final int maxUndecided;
  private final Set<Runnable> open;

  ConnectionSwitch(Takeover takeover, Supplier<Flow<ByteString, ByteString, ?>> http, Duration firstRequestTimeout,
                   int maxUndecided, Set<Runnable> open) {
    this.takeover = takeover;
    this.http = http;
    this.firstRequestTimeout = firstRequestTimeout;
    this.maxUndecided = maxUndecided;
    this.open = open;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public Tuple2<GraphStageLogic, CompletionStage<Done>> createLogicAndMaterializedValue(Attributes inheritedAttributes) {
    var notHttp = new CompletableFuture<Done>();
    return Tuple2.apply(new Logic(notHttp), notHttp);
  }

  private final class Logic extends TimerGraphStageLogic {
    private final CompletableFuture<Done> notHttp;
    private ByteString received = ByteString.emptyByteString();
    private Runnable close;
    /** Set once the connection runs its protocol. */
    private Switched switched;

    Logic(CompletableFuture<Done> notHttp) {
      super(shape);
      this.notHttp = notHttp;
      setHandler(in, new AbstractInHandler() {
        @Override
        public void onPush() {
          received = received.concat(grab(in));
          decide();
        }
      });
      // Nothing goes out before the connection is decided; the switch sets the real handler.
      setHandler(out, new AbstractOutHandler() {
        @Override
        public void onPull() {}
      });
    }

    @Override
    public void preStart() {
      AsyncCallback<Done> closing = createAsyncCallback(done -> closeGracefully());
      close = () -> closing.invoke(Done.getInstance());
      open.add(close);
      scheduleOnce(FIRST_REQUEST_TIMEOUT, firstRequestTimeout);
      pull(in);
    }

    @Override
    public void onTimer(Object key) {
      endOutput();
    }

    private void closeGracefully() {
      if (switched == null) endOutput();
      else switched.endInput();
    }

    /** Nothing more goes out: TCP flushes what it has and closes; the stage stops when it has. */
    private void endOutput() {
      cancelTimer(FIRST_REQUEST_TIMEOUT);
      if (!isClosed(out)) complete(out);
      if (isClosed(in)) {
        completeStage();
        return;
      }
      // TCP completes the input once the socket is closed: that is the end of this connection.
      setHandler(in, new AbstractInHandler() {
        @Override
        public void onPush() {
          grab(in);
          pull(in);
        }

        @Override
        public void onUpstreamFinish() {
          completeStage();
        }

        @Override
        public void onUpstreamFailure(Throwable ex) {
          completeStage(); // a reset while closing: closed all the same
        }
      });
      if (!hasBeenPulled(in)) pull(in);
    }

    private void decide() {
      var decision = takeover.decide(received);
      if (decision instanceof Takeover.TakeOver taken) {
        notHttp.complete(Done.getInstance());
        run(taken.protocol(), taken.response(), received.drop(taken.consumed()));
      } else if (decision == Takeover.Http.INSTANCE || received.size() > maxUndecided) {
        run(http.get(), ByteString.emptyByteString(), received);
      } else {
        pull(in);
      }
    }

    /** From now on the connection is {@code protocol}'s: {@code response} goes out first, {@code input} goes in first. */
    private void run(Flow<ByteString, ByteString, ?> protocol, ByteString response, ByteString input) {
      cancelTimer(FIRST_REQUEST_TIMEOUT);
      received = null;
      switched = new Switched(response, input);
      switched.run(protocol);
    }

    /** The connection joined to its protocol, which runs as a sub-stream of this stage. */
    private final class Switched {
      private final SubSinkInlet<ByteString> fromProtocol = new SubSinkInlet<>("ConnectionSwitch.fromProtocol");
      private final SubSourceOutlet<ByteString> toProtocol = new SubSourceOutlet<>("ConnectionSwitch.toProtocol");
      private ByteString response;
      private ByteString input;
      private boolean inputEnded;

      Switched(ByteString response, ByteString input) {
        this.response = response.isEmpty() ? null : response;
        this.input = input.isEmpty() ? null : input;
        fromProtocol.setHandler(new AbstractInHandler() {
          @Override
          public void onPush() {
            push(out, fromProtocol.grab());
          }

          @Override
          public void onUpstreamFinish() {
            endOutput();
          }

          @Override
          public void onUpstreamFailure(Throwable ex) {
            failStage(ex);
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            sendNext();
          }

          @Override
          public void onDownstreamFinish(Throwable cause) {
            fromProtocol.cancel(cause);
            if (!toProtocol.isClosed()) toProtocol.complete();
            completeStage();
          }
        });
        toProtocol.setHandler(new AbstractOutHandler() {
          @Override
          public void onPull() {
            if (Switched.this.input == null) {
              pull(in);
            } else {
              toProtocol.push(Switched.this.input);
              Switched.this.input = null;
              if (inputEnded) toProtocol.complete();
            }
          }

          @Override
          public void onDownstreamFinish(Throwable cause) {
            // The protocol reads no more; TCP's input stays open, so that its end tells when the
            // socket has closed (endOutput), and what still comes in is dropped.
            if (!hasBeenPulled(in) && !isClosed(in)) pull(in);
          }
        });
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            var bytes = grab(in);
            if (toProtocol.isClosed()) pull(in);
            else toProtocol.push(bytes);
          }

          @Override
          public void onUpstreamFinish() {
            if (toProtocol.isClosed()) return; // closing already: the stage ends when the protocol's output does
            if (Switched.this.input != null) inputEnded = true;
            else toProtocol.complete();
          }

          @Override
          public void onUpstreamFailure(Throwable ex) {
            if (toProtocol.isClosed()) completeStage();
            else toProtocol.fail(ex);
          }
        });
      }

      /** The protocol gets no more input (a close from outside): it finishes what is under way and ends. */
      void endInput() {
        if (toProtocol.isClosed()) return;
        if (input == null) toProtocol.complete();
        else inputEnded = true;
      }

      void run(Flow<ByteString, ByteString, ?> protocol) {
        Source.fromGraph(toProtocol.source()).via(protocol).runWith(fromProtocol.sink(), subFusingMaterializer());
        if (isAvailable(out)) sendNext();
      }

      private void sendNext() {
        if (response == null) {
          fromProtocol.pull();
        } else {
          push(out, response);
          response = null;
        }
      }
    }

    @Override
    public void postStop() {
      open.remove(close);
      notHttp.complete(Done.getInstance());
    }
  }
}
