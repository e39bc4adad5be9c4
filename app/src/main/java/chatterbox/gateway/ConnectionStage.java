package chatterbox.gateway;

import akka.actor.Terminated;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.stream.Attributes;
import akka.stream.BufferOverflowException;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import scala.runtime.BoxedUnit;

import java.util.ArrayDeque;
import java.util.function.Function;

/**
 * The stream end of one gateway connection, as a single stage: materializing it spawns the
 * connection's {@link Connection} actor, hands it every message the client sends and sends the
 * client whatever the actor tells it.
 *
 * <p>One stage instead of an {@code ActorSink} and a pre-materialized {@code ActorSource} joined by
 * {@code fromSinkAndSourceCoupled}: that took two more actors per connection (the source's own
 * stream and its fan-out publisher) and a 4,096-slot array allocated up front. Here the outbound
 * queue grows only with what the client has not read yet, up to the same limit, and the stage is a
 * blueprint shared by all connections (it keeps no per-connection state outside its logic).
 *
 * <p>Ends like the coupled pair did: the client going away (upstream finished or failed), the
 * message layer cancelling after a close frame, or the actor stopping end both directions, and
 * the actor hears {@link Connection.ClientGone}.
 */
final class ConnectionStage extends GraphStage<FlowShape<WebSocketFrames.Inbound, WebSocketFrames.Outbound>> {

  private final Inlet<WebSocketFrames.Inbound> in = Inlet.create("ConnectionStage.in");
  private final Outlet<WebSocketFrames.Outbound> out = Outlet.create("ConnectionStage.out");
  private final FlowShape<WebSocketFrames.Inbound, WebSocketFrames.Outbound> shape = FlowShape.of(in, out);
  private final Function<ActorRef<WebSocketFrames.Outbound>, ActorRef<Connection.Command>> spawnConnection;
  private final int maxQueued;
  private final Runnable opened;
  private final Runnable closed;

  /**
   * @param spawnConnection starts the connection's actor, given where it sends the client's frames
   * @param maxQueued frames the client may leave unread before the connection fails
   * @param opened, closed run when a connection's stream starts and ends (the connection gauge)
   */
  ConnectionStage(Function<ActorRef<WebSocketFrames.Outbound>, ActorRef<Connection.Command>> spawnConnection,
                  int maxQueued, Runnable opened, Runnable closed) {
    this.spawnConnection = spawnConnection;
    this.maxQueued = maxQueued;
    this.opened = opened;
    this.closed = closed;
  }

  @Override
  public FlowShape<WebSocketFrames.Inbound, WebSocketFrames.Outbound> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new Logic();
  }

  private final class Logic extends GraphStageLogic {
    private final ArrayDeque<WebSocketFrames.Outbound> queued = new ArrayDeque<>(4);
    private ActorRef<Connection.Command> connection;

    Logic() {
      super(shape);
      setHandler(in, new AbstractInHandler() {
        @Override
        public void onPush() {
          connection.tell(new Connection.FromClient(grab(in)));
          pull(in);
        }
      });
      setHandler(out, new AbstractOutHandler() {
        @Override
        public void onPull() {
          if (!queued.isEmpty()) push(out, queued.poll());
        }
      });
    }

    @Override
    public void preStart() {
      var self = getStageActor(this::onActorMessage);
      connection = spawnConnection.apply(Adapter.toTyped(self.ref()));
      self.watch(Adapter.toClassic(connection));
      opened.run();
      pull(in);
    }

    private BoxedUnit onActorMessage(scala.Tuple2<akka.actor.ActorRef, Object> message) {
      if (message._2() instanceof Terminated) {
        completeStage();
      } else if (message._2() instanceof WebSocketFrames.Outbound frame) {
        if (isAvailable(out) && queued.isEmpty()) {
          push(out, frame);
        } else if (queued.size() < maxQueued) {
          queued.add(frame);
        } else {
          failStage(new BufferOverflowException("Buffer overflow (max capacity was: " + maxQueued + ")!"));
        }
      }
      return BoxedUnit.UNIT;
    }

    @Override
    public void postStop() {
      if (connection != null) connection.tell(Connection.ClientGone.INSTANCE);
      closed.run();
    }
  }
}
