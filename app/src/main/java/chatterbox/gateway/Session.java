package chatterbox.gateway;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.Signal;
import akka.actor.typed.javadsl.AbstractOnMessageBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import chatterbox.gateway.GatewayProtocol.CloseCode;
import chatterbox.platform.cluster.TopicRelay;
import chatterbox.room.Room;
import chatterbox.room.UserNotice;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One gateway session: what a client gets between IDENTIFY and the end of its resume window.
 *
 * <p>It numbers its dispatches 1, 2, 3, ... and keeps the last ones, so a client that lost its
 * connection can RESUME on a new one and receive exactly what it missed. It subscribes to the
 * topics of the user's rooms and delivers each room's events in the room's sequence order,
 * filling any gap from the room's history, so no event is shown twice or lost. Commands typed in
 * a room go to {@link SessionInput}.
 *
 * <p>Sessions live on the node that accepted the connection; a session is lost with its node, and
 * the client then catches up through history (see docs/protocol.md).
 */
final class Session extends AbstractOnMessageBehavior<Session.Command> {

  sealed interface Command {}

  /** A connection takes the session over: new ({@code afterSeq} = 0 and nothing sent yet) or resumed. */
  record Attach(ActorRef<Connection.Command> connection, String username, long afterSeq, boolean resume) implements Command {}

  record ClientFrame(GatewayProtocol.ClientFrame frame) implements Command {}

  record ConnectionLost(ActorRef<Connection.Command> connection) implements Command {}

  record RoomEvent(Room.Event event) implements Command {}

  record Notice(UserNotice notice) implements Command {}

  record PresenceChanged(Presence.Changed change) implements Command {}

  /** Something the session computed asynchronously and now dispatches. */
  record Dispatch(String type, ObjectNode payload) implements Command {}

  /** The end of a PIN confirmation; {@code dispatch} may be null. */
  record ConfirmOutcome(String transferId, boolean stillPending, Dispatch dispatch) implements Command {}

  /** A /send's payee, checked against a large room's members (see {@link RoomView}). */
  record PayeeChecked(SessionInput.PayeeToCheck payee, boolean member) implements Command {}

  /** Missing room events, fetched from history to fill a gap. */
  record GapFilled(String room, List<Room.Event> events) implements Command {}

  record GapFillFailed(String room) implements Command {}

  /** The READY state, computed by {@link SessionStart}. */
  record Ready(ObjectNode payload, Map<String, RoomView> rooms) implements Command {}

  record StartFailed(Throwable cause) implements Command {}

  enum Expire implements Command { INSTANCE }

  /** The node is shutting down: tell the client to reconnect (and RESUME elsewhere or later). */
  enum ServerGoingAway implements Command { INSTANCE }

  static Behavior<Command> create(String sessionId, String username, GatewayContext gateway,
                                  ActorRef<Connection.Command> connection) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(10_000, stash -> {
      SessionStart.compute(ctx, sessionId, username, gateway);
      return Behaviors.receive(Command.class)
          .onMessage(Ready.class, ready -> {
            var session = new Session(ctx, timers, sessionId, username, gateway, ready.rooms());
            session.attach(connection, 0, false);
            session.dispatch("READY", ready.payload());
            return stash.unstashAll(session);
          })
          .onMessage(StartFailed.class, failed -> {
            ctx.getLog().warn("Session of {} could not start: {}", username, failed.cause().toString());
            connection.tell(new Connection.CloseWith(CloseCode.UNKNOWN_ERROR, "could not start the session; retry"));
            return Behaviors.stopped();
          })
          .onAnyMessage(other -> {
            stash.stash(other);
            return Behaviors.same();
          })
          .build();
    })));
  }

  private final TimerScheduler<Command> timers;
  private final String sessionId;
  private final String username;
  private final GatewayContext gateway;
  private final Map<String, RoomView> rooms;
  private final ReplayBuffer replay;
  private final SessionInput input;
  private final ActorRef<Room.Event> roomEvents;
  private final ActorRef<Presence.Changed> presenceChanges;
  private long seq;
  private ActorRef<Connection.Command> connection;
  /** Whose presence this session shows, as last told to the node's presence relay. */
  private Set<String> presenceShown = new HashSet<>();

  private Session(ActorContext<Command> ctx, TimerScheduler<Command> timers, String sessionId, String username,
                  GatewayContext gateway, Map<String, RoomView> rooms) {
    super(ctx);
    this.timers = timers;
    this.sessionId = sessionId;
    this.username = username;
    this.gateway = gateway;
    this.replay = new ReplayBuffer(gateway.settings().replayBuffer());
    this.rooms = new HashMap<>(rooms);
    this.roomEvents = ctx.messageAdapter(Room.Event.class, RoomEvent::new);
    this.presenceChanges = ctx.messageAdapter(Presence.Changed.class, PresenceChanged::new);
    this.input = new SessionInput(ctx, username, gateway, this.rooms);
    rooms.keySet().forEach(this::subscribe);
    gateway.noticeRelay().tell(new TopicRelay.WatchOne<>(ctx.messageAdapter(UserNotice.class, Notice::new), username, true));
    watchPresence();
  }

  /** One {@code if} per message rather than a receive builder built per instance: every client has a session. */
  @Override
  public Behavior<Command> onMessage(Command message) {
    if (message instanceof Attach attach) return onAttach(attach);
    if (message instanceof ClientFrame clientFrame) return onClientFrame(clientFrame.frame());
    if (message instanceof ConnectionLost lost) {
      if (lost.connection().equals(connection)) detach();
      return this;
    }
    if (message instanceof RoomEvent roomEvent) {
      onRoomEvent(roomEvent.event());
      return this;
    }
    if (message instanceof GapFilled filled) return onGapFilled(filled);
    if (message instanceof GapFillFailed failed) {
      var view = rooms.get(failed.room());
      if (view != null) view.filling = false; // the next event tries again
      return this;
    }
    if (message instanceof Notice notice) return onNotice(notice.notice());
    if (message instanceof PresenceChanged presence) return onPresenceChanged(presence.change());
    if (message instanceof Dispatch dispatch) {
      if (dispatch.type() != null) dispatch(dispatch.type(), dispatch.payload());
      return this;
    }
    if (message instanceof PayeeChecked checked) {
      input.onPayeeChecked(checked.payee(), checked.member());
      return this;
    }
    if (message instanceof ConfirmOutcome outcome) {
      input.onConfirmOutcome(outcome);
      return this;
    }
    if (message == ServerGoingAway.INSTANCE) return onServerGoingAway();
    if (message == Expire.INSTANCE) {
      getContext().getLog().debug("Session {} of {} expired", sessionId, username);
      return Behaviors.stopped();
    }
    return Behaviors.unhandled();
  }

  @Override
  public Behavior<Command> onSignal(Signal signal) {
    if (signal instanceof PostStop) {
      gateway.sessions().remove(sessionId, getContext().getSelf());
      gateway.presence(username).tell(new Presence.Gone(username, sessionId));
      if (connection != null) connection.tell(new Connection.CloseWith(CloseCode.UNKNOWN_ERROR, "session ended"));
    }
    return this;
  }

  private Behavior<Command> onAttach(Attach attach) {
    if (!attach.username().equals(username) || !attach(attach.connection(), attach.afterSeq(), attach.resume())) {
      attach.connection().tell(new Connection.InvalidSession());
    }
    return this;
  }

  private Behavior<Command> onGapFilled(GapFilled filled) {
    var view = rooms.get(filled.room());
    if (view != null) {
      view.filling = false;
      filled.events().forEach(event -> view.arrived(event).forEach(ready -> dispatchRoomEvent(view, ready)));
      fillAnyGap(filled.room(), view);
    }
    return this;
  }

  private Behavior<Command> onPresenceChanged(Presence.Changed change) {
    boolean sharesARoom = rooms.values().stream().anyMatch(view -> view.showsPresenceOf(change.username()));
    if (!change.username().equals(username) && sharesARoom) {
      dispatch("PRESENCE_UPDATE", Events.object().put("username", change.username())
          .put("status", change.online() ? "online" : "offline"));
    }
    return this;
  }

  private Behavior<Command> onServerGoingAway() {
    if (connection != null) {
      connection.tell(new Connection.Send(GatewayProtocol.frame(GatewayProtocol.RECONNECT, null)));
      connection.tell(new Connection.CloseWith(CloseCode.UNKNOWN_ERROR, "server restarting: reconnect"));
    }
    return this;
  }

  /** Attaches a connection and replays what it missed; false if the session cannot serve {@code afterSeq}. */
  private boolean attach(ActorRef<Connection.Command> next, long afterSeq, boolean resume) {
    if (resume && !replay.covers(afterSeq)) return false;
    if (connection != null && !connection.equals(next)) {
      connection.tell(new Connection.CloseWith(CloseCode.UNKNOWN_ERROR, "session resumed on another connection"));
    }
    connection = next;
    getContext().watchWith(next, new ConnectionLost(next));
    timers.cancel(Expire.INSTANCE);
    next.tell(new Connection.Attached(getContext().getSelf(), sessionId));
    gateway.presence(username).tell(new Presence.Beat(username, sessionId));
    if (resume) {
      var missed = replay.framesAfter(afterSeq);
      missed.forEach(frame -> next.tell(new Connection.Send(frame)));
      dispatch("RESUMED", Events.object().put("replayed", missed.size()));
    }
    return true;
  }

  private void detach() {
    connection = null;
    gateway.presence(username).tell(new Presence.Gone(username, sessionId));
    timers.startSingleTimer(Expire.INSTANCE, gateway.settings().resumeWindow());
  }

  private Behavior<Command> onClientFrame(GatewayProtocol.ClientFrame frame) {
    if (frame instanceof GatewayProtocol.Heartbeat) {
      gateway.presence(username).tell(new Presence.Beat(username, sessionId));
      return this;
    }
    var limit = gateway.userRateLimit();
    if (!limit.tryAcquire(username)) {
      var nonce = frame instanceof GatewayProtocol.Input in ? in.nonce() : null;
      dispatch("ERROR", Events.error("rate_limited", "at most " + limit.lines() + " lines per "
          + limit.window().toSeconds() + " s per user: this one was not sent", nonce));
      return this;
    }
    if (frame instanceof GatewayProtocol.Input in) {
      input.onInput(in);
    } else if (frame instanceof GatewayProtocol.Confirm confirm) {
      input.onConfirm(confirm);
    }
    return this;
  }

  private Behavior<Command> onNotice(UserNotice notice) {
    if (notice instanceof UserNotice.RoomJoined joined) {
      var info = joined.room();
      if (!rooms.containsKey(info.roomId())) {
        var view = RoomView.of(info, gateway.settings().largeRoom());
        rooms.put(info.roomId(), view);
        subscribe(info.roomId());
        watchPresence();
        if (view.large()) {
          // Nothing to ask: told at once, before any of the room's events that the subscription brings.
          dispatch("ROOM_JOINED", roomJoined(info, view, Map.of()));
        } else {
          SessionStart.withPresence(gateway, info.members()).thenAccept(online ->
              getContext().getSelf().tell(new Dispatch("ROOM_JOINED", roomJoined(info, view, online))));
        }
      }
    } else if (notice instanceof UserNotice.RoomLeft left) {
      if (rooms.remove(left.roomId()) != null) {
        gateway.roomService().unsubscribe(left.roomId(), roomEvents);
        watchPresence();
        dispatch("ROOM_LEFT", Events.object().put("room", left.roomId()));
      }
    } else if (notice instanceof GatewayNotice.TransferReceipt r) {
      dispatch("TRANSFER_RECEIPT", Events.object().put("transfer_id", r.transferId())
          .put("kind", r.kind() == null ? "payment" : r.kind()).put("direction", r.direction())
          .put("from", r.from()).put("to", r.to()).put("amount", r.amount()).put("balance", r.balance())
          .put("room", r.room()).put("at", r.at()));
    } else if (notice instanceof GatewayNotice.LoggedOut out && sessionId.startsWith(out.tokenSessionId() + ".")) {
      if (connection != null) connection.tell(new Connection.CloseWith(CloseCode.LOGGED_OUT, "logged out"));
      connection = null;
      return Behaviors.stopped();
    }
    return this;
  }

  private static ObjectNode roomJoined(Room.RoomInfo info, RoomView view, Map<String, Boolean> online) {
    var d = Events.object();
    d.set("room", Events.room(info, view, online));
    return d;
  }

  private void subscribe(String room) {
    gateway.roomService().subscribe(room, roomEvents);
  }

  /**
   * Delivers a room's events in sequence order. An event ahead of the next expected one waits
   * while the gap is fetched from history (events published before this node's subscription took
   * effect, or lost with a node).
   */
  private void onRoomEvent(Room.Event event) {
    var view = rooms.get(event.room());
    if (view == null) return;
    view.arrived(event).forEach(ready -> dispatchRoomEvent(view, ready));
    fillAnyGap(event.room(), view);
  }

  /** Reads the room's history after a missing event, once at a time. */
  private void fillAnyGap(String room, RoomView view) {
    if (view.gap() && !view.filling) {
      view.filling = true;
      getContext().pipeToSelf(gateway.roomService().history(room, username, null, view.lastSeq(), 100), (history, failure) ->
          failure == null ? new GapFilled(room, SessionStart.eventsOf(history)) : new GapFillFailed(room));
    }
  }

  /** Passes on one of {@code view}'s events, which the view has taken already. */
  private void dispatchRoomEvent(RoomView view, Room.Event event) {
    var encoded = gateway.roomEventFrames().encode(event);
    dispatchEncoded(encoded.type(), encoded.payloadJson());
    if (event instanceof Room.MemberJoined joined) {
      if (view.becameLarge(gateway.settings().largeRoom())) {
        // The count is the view's, as of its last seq: later joins in the same batch are in it already.
        dispatch("ROOM_BECAME_LARGE", Events.object().put("room", joined.room()).put("seq", view.lastSeq())
            .put("member_count", view.memberCount()));
        watchPresence(); // its members' presence is no longer this session's business
      } else {
        showPresence(joined.username());
      }
    }
    if (event instanceof Room.MemberLeft left) showPresence(left.username());
  }

  /**
   * After {@code member} joined or left one of the rooms (its view already updated): whether this
   * session now shows their presence, told to the relay one name at a time (for a session whose
   * room grew large after it started, the whole set would be thousands of names per newcomer).
   */
  private void showPresence(String member) {
    if (member.equals(username)) return;
    boolean shows = rooms.values().stream().anyMatch(view -> view.showsPresenceOf(member));
    boolean changed = shows ? presenceShown.add(member) : presenceShown.remove(member);
    if (changed) gateway.presenceRelay().tell(new TopicRelay.WatchOne<>(presenceChanges, member, shows));
  }

  /**
   * Tells the node's presence relay whose presence this session shows now: the members of its rooms
   * that are not large. Only when that changed; a session in large rooms alone never registers.
   */
  private void watchPresence() {
    var shown = new HashSet<String>();
    rooms.values().forEach(view -> view.addPresenceShown(shown));
    shown.remove(username);
    if (!shown.equals(presenceShown)) {
      presenceShown = shown;
      gateway.presenceRelay().tell(new TopicRelay.Watch<>(presenceChanges, Set.copyOf(shown)));
    }
  }

  /** Numbers, keeps and sends one dispatch. */
  private void dispatch(String type, ObjectNode payload) {
    dispatchEncoded(type, payload.toString());
  }

  /** Numbers, keeps and sends one dispatch whose payload is already JSON (maybe shared with other sessions). */
  private void dispatchEncoded(String type, String payloadJson) {
    replay.add(++seq, type, payloadJson);
    gateway.metrics().dispatches.inc();
    if (connection != null) connection.tell(new Connection.Send(GatewayProtocol.dispatch(seq, type, payloadJson)));
  }
}
