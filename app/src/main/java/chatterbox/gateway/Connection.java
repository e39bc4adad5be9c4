package chatterbox.gateway;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AbstractOnMessageBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import chatterbox.account.SessionTokens;
import chatterbox.gateway.GatewayProtocol.CloseCode;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.UUID;

/**
 * One WebSocket connection: it speaks the protocol's connection-level part (HELLO, heartbeats,
 * IDENTIFY / RESUME, rate limit, decoding and close codes) and hands a session's traffic to the
 * {@link Session} it is attached to. Whatever the client sends, only this connection can end: a
 * refused frame closes it with its documented code and touches nothing else.
 */
final class Connection extends AbstractOnMessageBehavior<Connection.Command> {

  sealed interface Command {}

  record FromClient(WebSocketFrames.Inbound inbound) implements Command {}

  enum ClientGone implements Command { INSTANCE }

  /** A dispatch (or other frame) for the client, already encoded. */
  record Send(String json) implements Command {}

  record CloseWith(CloseCode code, String reason) implements Command {}

  record Attached(ActorRef<Session.Command> session, String sessionId) implements Command {}

  /** The session to resume does not exist, belongs to someone else, or cannot replay that far. */
  record InvalidSession() implements Command {}

  private record Authenticated(Optional<SessionTokens.Session> session, GatewayProtocol.ClientFrame request)
      implements Command {}

  private enum CheckHeartbeat implements Command { INSTANCE }

  private enum ClosingTimedOut implements Command { INSTANCE }

  static Behavior<Command> create(ActorRef<WebSocketFrames.Outbound> out, GatewayContext gateway) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      var interval = gateway.settings().heartbeatInterval();
      timers.startTimerWithFixedDelay(CheckHeartbeat.INSTANCE, interval.dividedBy(4));
      out.tell(new WebSocketFrames.Text(GatewayProtocol.hello(interval.toMillis())));
      return new Connection(ctx, timers, out, gateway);
    }));
  }

  private enum Stage { AWAITING_IDENTIFY, AUTHENTICATING, ATTACHED }

  private final akka.actor.typed.javadsl.TimerScheduler<Command> timers;
  private final ActorRef<WebSocketFrames.Outbound> out;
  private final GatewayContext gateway;
  private final ArrayDeque<Long> recentFrames = new ArrayDeque<>();
  private Stage stage = Stage.AWAITING_IDENTIFY;
  private long lastHeard = System.nanoTime();
  private ActorRef<Session.Command> session;

  private Connection(ActorContext<Command> ctx, akka.actor.typed.javadsl.TimerScheduler<Command> timers,
                     ActorRef<WebSocketFrames.Outbound> out, GatewayContext gateway) {
    super(ctx);
    this.timers = timers;
    this.out = out;
    this.gateway = gateway;
  }

  /** One {@code if} per message rather than a receive builder built per instance: every open socket has this actor. */
  @Override
  public Behavior<Command> onMessage(Command message) {
    if (message instanceof FromClient fromClient) return onInbound(fromClient.inbound());
    if (message instanceof Send send) {
      out.tell(new WebSocketFrames.Text(send.json()));
      return this;
    }
    if (message instanceof CloseWith closeWith) return close(closeWith.code(), closeWith.reason());
    if (message instanceof Authenticated authenticated) return onAuthenticated(authenticated);
    if (message instanceof Attached attached) {
      session = attached.session();
      stage = Stage.ATTACHED;
      return this;
    }
    if (message instanceof InvalidSession) {
      out.tell(new WebSocketFrames.Text(GatewayProtocol.frame(GatewayProtocol.INVALID_SESSION, false)));
      stage = Stage.AWAITING_IDENTIFY;
      return this;
    }
    if (message == CheckHeartbeat.INSTANCE) return checkHeartbeat();
    if (message == ClientGone.INSTANCE) return Behaviors.stopped();
    return Behaviors.unhandled();
  }

  private Behavior<Command> checkHeartbeat() {
    var silentFor = System.nanoTime() - lastHeard;
    if (stage != Stage.ATTACHED && silentFor > gateway.settings().heartbeatInterval().toNanos()) {
      return close(CloseCode.SESSION_TIMED_OUT, "no IDENTIFY or RESUME within the heartbeat interval");
    }
    if (silentFor > gateway.settings().heartbeatTimeout().toNanos()) {
      return close(CloseCode.SESSION_TIMED_OUT, "no heartbeat");
    }
    return this;
  }

  private Behavior<Command> onInbound(WebSocketFrames.Inbound inbound) {
    if (rateLimited()) return close(CloseCode.RATE_LIMITED, "more than " + gateway.settings().rateLimitFrames()
        + " frames in " + gateway.settings().rateLimitWindow().toSeconds() + " s");
    if (inbound instanceof WebSocketFrames.Binary) return close(CloseCode.DECODE_ERROR, "binary frames are not part of the protocol");
    if (inbound instanceof WebSocketFrames.TooLarge) {
      return close(CloseCode.FRAME_TOO_LARGE, "a frame is at most " + gateway.settings().maxFrameChars() + " characters");
    }
    var decoded = GatewayProtocol.decode(((WebSocketFrames.Text) inbound).text());
    if (decoded.refusal() != null) return close(decoded.refusal().code(), decoded.refusal().detail());
    var frame = decoded.frame();
    if (frame instanceof GatewayProtocol.Heartbeat) {
      lastHeard = System.nanoTime();
      out.tell(new WebSocketFrames.Text(GatewayProtocol.frame(GatewayProtocol.HEARTBEAT_ACK, null)));
      if (session != null) session.tell(new Session.ClientFrame(frame));
      return this;
    }
    if (frame instanceof GatewayProtocol.Identify || frame instanceof GatewayProtocol.Resume) {
      if (stage != Stage.AWAITING_IDENTIFY) return close(CloseCode.ALREADY_AUTHENTICATED, "already identified");
      stage = Stage.AUTHENTICATING;
      var token = frame instanceof GatewayProtocol.Identify identify ? identify.token() : ((GatewayProtocol.Resume) frame).token();
      getContext().pipeToSelf(gateway.accounts().authenticate(token), (session, failure) ->
          new Authenticated(failure == null ? session : Optional.empty(), frame));
      // A new session's READY reads entities that its account's check does not: wake them beside
      // it, for any token we signed (what a logged-out one wakes, it cannot read).
      if (frame instanceof GatewayProtocol.Identify) {
        gateway.accounts().signedSession(token).ifPresent(signed -> SessionStart.wake(gateway, signed.username()));
      }
      return this;
    }
    if (stage != Stage.ATTACHED) return close(CloseCode.NOT_AUTHENTICATED, "IDENTIFY first");
    session.tell(new Session.ClientFrame(frame));
    return this;
  }

  private Behavior<Command> onAuthenticated(Authenticated result) {
    if (result.session().isEmpty()) return close(CloseCode.AUTHENTICATION_FAILED, "token is invalid, expired or logged out");
    var username = result.session().get().username();
    lastHeard = System.nanoTime();
    if (result.request() instanceof GatewayProtocol.Resume resume) {
      var existing = gateway.sessions().get(resume.sessionId());
      if (existing == null) {
        getContext().getSelf().tell(new InvalidSession());
      } else {
        existing.tell(new Session.Attach(getContext().getSelf(), username, resume.seq(), true));
      }
      return this;
    }
    // A new session is named by the token's session (so a logout can find it) and a random part.
    var sessionId = result.session().get().sessionId() + "." + UUID.randomUUID().toString().replace("-", "");
    var created = getContext().getSystem().systemActorOf(
        Session.create(sessionId, username, gateway, getContext().getSelf()), "gateway-session-" + sessionId, Props.empty());
    gateway.sessions().put(sessionId, created);
    return this;
  }

  /** True when this frame goes over the per-connection budget. */
  private boolean rateLimited() {
    long now = System.nanoTime();
    long windowStart = now - gateway.settings().rateLimitWindow().toNanos();
    while (!recentFrames.isEmpty() && recentFrames.peekFirst() < windowStart) recentFrames.removeFirst();
    recentFrames.addLast(now);
    return recentFrames.size() > gateway.settings().rateLimitFrames();
  }

  /**
   * Sends the close frame and waits for the socket to end. Stopping at once would end the stream
   * (its stream stage watches this actor) before the close frame is out, and the client would see
   * a plain 1000 instead of the code.
   */
  private Behavior<Command> close(CloseCode code, String detail) {
    getContext().getLog().debug("Closing gateway connection: {} {} ({})", code.code, code.reason, detail);
    out.tell(new WebSocketFrames.Close(code.code, truncate(code.reason + ": " + detail)));
    timers.cancelAll();
    timers.startSingleTimer(ClosingTimedOut.INSTANCE, java.time.Duration.ofSeconds(5));
    return CLOSING;
  }

  /** After the close frame: wait for the socket to end (or give up), ignoring everything else. */
  private static final Behavior<Command> CLOSING = Behaviors.receiveMessage(message ->
      message == ClientGone.INSTANCE || message == ClosingTimedOut.INSTANCE ? Behaviors.stopped() : Behaviors.same());

  /** A close frame's reason is at most 123 bytes. */
  private static String truncate(String reason) {
    return reason.length() <= 100 ? reason : reason.substring(0, 100);
  }
}
