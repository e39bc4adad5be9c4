package chatterbox.gateway;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.pubsub.Topic;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.http.impl.engine.server.UpgradeToOtherProtocolResponseHeader;
import akka.http.javadsl.model.AttributeKeys;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import akka.stream.javadsl.Flow;
import akka.util.ByteString;
import chatterbox.account.AccountService;
import chatterbox.account.SessionTokens;
import chatterbox.metrics.Metrics;
import chatterbox.platform.cluster.TopicRelay;
import chatterbox.platform.http.JsonRoutes;
import chatterbox.platform.http.Takeover;
import chatterbox.room.RoomService;
import chatterbox.room.UserNotice;
import chatterbox.transfer.CompletedTransfer;
import chatterbox.transfer.Payments;
import chatterbox.transfer.TransferService;
import com.typesafe.config.Config;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The WebSocket gateway at {@code /gateway} (docs/protocol.md): checks the Origin, upgrades, and
 * runs one {@link Connection} actor per socket, attached to a {@link Session}.
 */
public final class Gateway extends JsonRoutes {

  /** Frames a client may leave unread before its connection fails. */
  private static final int OUTBOUND_BUFFER = 4096;

  private final GatewayContext context;
  private final Flow<ByteString, ByteString, ?> connectionStream;
  private final UpgradeToOtherProtocolResponseHeader switchToConnection;

  private Gateway(ActorSystem<?> system, GatewayContext context) {
    this.context = context;
    this.connectionStream = connectionStream(system, context);
    this.switchToConnection = WebSocketFrames.switchTo(connectionStream);
  }

  public static Gateway start(ActorSystem<?> system, Config gateway, AccountService accounts, RoomService rooms,
                              Payments payments, TransferService transfers, long maxTransfer, Duration askTimeout,
                              Metrics metrics) {
    var settings = GatewaySettings.fromConfig(gateway);
    var presenceTopic = system.systemActorOf(Topic.create(Presence.Changed.class, "presence"), "presence-topic", Props.empty());
    Presence.init(system, settings.heartbeatTimeout().multipliedBy(2), presenceTopic);
    // A session registers with these for the users whose presence it shows and for its own user's
    // notices: one subscriber per node to each topic, rather than every session to every change.
    var presenceRelay = system.systemActorOf(
        TopicRelay.create(presenceTopic, Presence.Changed.class, Presence.Changed::username), "presence-relay", Props.empty());
    var noticeRelay = system.systemActorOf(
        TopicRelay.create(rooms.userNotices(), UserNotice.class, UserNotice::username), "user-notice-relay", Props.empty());
    var context = new GatewayContext(settings, accounts, rooms, payments, transfers, maxTransfer,
        ClusterSharding.get(system), presenceRelay, noticeRelay,
        new ConcurrentHashMap<>(), askTimeout, metrics,
        new UserRateLimit(settings.userRateLimitLines(), settings.userRateLimitWindow()), new RoomEventFrames());
    metrics.gauge("chatterbox_gateway_sessions", "Gateway sessions on this node, including those waiting to be resumed",
        () -> context.sessions().size());
    metrics.gauge("chatterbox_gateway_room_event_encodings", "Room events encoded to JSON on this node (once per event, shared by its sessions)",
        () -> context.roomEventFrames().encodings());
    // On SIGTERM (coordinated shutdown) clients are told to reconnect before the HTTP port closes,
    // so they move to another node at once instead of waiting for a heartbeat timeout.
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "gateway-reconnect", () -> {
      context.sessions().values().forEach(session -> session.tell(Session.ServerGoingAway.INSTANCE));
      return CompletableFuture.completedFuture(Done.getInstance());
    });
    return new Gateway(system, context);
  }

  /** Tells the users' sessions of a transfer made other than by {@code /send} (the REST API). */
  public void sendReceipts(CompletedTransfer transfer) {
    context.sendReceipts(transfer);
  }

  /** Ends the gateway sessions opened with a token that has just been revoked. */
  public void loggedOut(SessionTokens.Session session) {
    context.notifyUser(new GatewayNotice.LoggedOut(session.username(), session.sessionId()));
  }

  /**
   * Takes a connection opened for the gateway straight to its stream, without Akka HTTP's server
   * stream under it (see {@link DirectUpgrade}); {@link #route} answers every other handshake.
   */
  public Takeover takeover() {
    return new DirectUpgrade(this::originAllowed, connectionStream, context.metrics().upgrades.labelValues("direct")::inc);
  }

  public Route route() {
    return path("gateway", () -> get(() -> extractRequest(request -> {
      var origin = request.getHeader("Origin").map(h -> h.value());
      var host = request.getHeader("Host").map(h -> h.value()).orElse("");
      if (origin.isPresent() && !originAllowed(origin.get(), host)) {
        return error(StatusCodes.FORBIDDEN, "origin", "this origin may not open the gateway");
      }
      if (request.getAttribute(AttributeKeys.webSocketUpgrade).isEmpty()) {
        return error(StatusCodes.BAD_REQUEST, "upgrade", "expected a WebSocket upgrade");
      }
      context.metrics().upgrades.labelValues("http").inc();
      return complete(WebSocketFrames.upgrade(request, switchToConnection));
    })));
  }

  /** Same-origin pages, and the configured origins (a development server, say), may connect. */
  private boolean originAllowed(String origin, String host) {
    return origin.equals("http://" + host) || origin.equals("https://" + host)
        || context.settings().allowedOrigins().contains(origin);
  }

  /** The stream of every connection, built once: materializing it spawns the connection's actor. */
  private static Flow<ByteString, ByteString, ?> connectionStream(ActorSystem<?> system, GatewayContext context) {
    var connections = new AtomicLong();
    var connection = Flow.fromGraph(new ConnectionStage(
        out -> system.systemActorOf(Connection.create(out, context),
            "gateway-connection-" + connections.incrementAndGet(), Props.empty()),
        OUTBOUND_BUFFER, context.metrics().connections::inc, context.metrics().connections::dec));
    return WebSocketFrames.stream(connection, context.settings().maxFrameChars(), system);
  }
}
