package chatterbox.gateway;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.pubsub.Topic;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Brings presence changes to the sessions of one node that show them: one subscriber to the
 * cluster-wide presence topic per node, and an index of which sessions watch which users.
 *
 * <p>Each session tells the relay whose presence it shows (the members of its rooms that are not
 * large, {@link RoomView}), whenever that changes. A change then costs a message to each session
 * that shows it, not one to every session of the node: with every session subscribed to the topic,
 * each user who came or went reached every session (a node of 6,000 sessions received 600,000
 * messages a second while 100 users a second logged in), though most sessions share only the large
 * {@code general} with them.
 */
final class PresenceRelay extends AbstractBehavior<PresenceRelay.Command> {

  sealed interface Command {}

  /** The users whose presence {@code session} shows, replacing what it said before; empty ends its interest. */
  record Watch(ActorRef<Session.Command> session, Set<String> usernames) implements Command {}

  /**
   * One user more ({@code shown}) or less in what {@code session} shows: a member who joined or left
   * one of its small rooms. Sent instead of the whole set, which for a session in a room that grew
   * large after it started would be thousands of names for every newcomer.
   */
  record WatchOne(ActorRef<Session.Command> session, String username, boolean shown) implements Command {}

  private record Changed(Presence.Changed change) implements Command {}

  private record SessionEnded(ActorRef<Session.Command> session) implements Command {}

  static Behavior<Command> create(ActorRef<Topic.Command<Presence.Changed>> topic) {
    return Behaviors.setup(ctx -> {
      topic.tell(Topic.subscribe(ctx.messageAdapter(Presence.Changed.class, Changed::new)));
      return new PresenceRelay(ctx);
    });
  }

  private final Map<ActorRef<Session.Command>, Set<String>> watchedBy = new HashMap<>();
  private final Map<String, Set<ActorRef<Session.Command>>> watchers = new HashMap<>();

  private PresenceRelay(ActorContext<Command> ctx) {
    super(ctx);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Watch.class, this::onWatch)
        .onMessage(WatchOne.class, this::onWatchOne)
        .onMessage(Changed.class, this::onChanged)
        .onMessage(SessionEnded.class, ended -> {
          forget(ended.session());
          return this;
        })
        .build();
  }

  private Behavior<Command> onWatch(Watch watch) {
    var session = watch.session();
    var before = watchedBy.getOrDefault(session, Set.of());
    for (var username : Set.copyOf(before)) {
      if (!watch.usernames().contains(username)) unwatch(session, username);
    }
    for (var username : watch.usernames()) watch(session, username);
    return this;
  }

  private Behavior<Command> onWatchOne(WatchOne watch) {
    if (watch.shown()) {
      watch(watch.session(), watch.username());
    } else {
      unwatch(watch.session(), watch.username());
    }
    return this;
  }

  private void watch(ActorRef<Session.Command> session, String username) {
    var shown = watchedBy.get(session);
    if (shown == null) {
      shown = new HashSet<>();
      watchedBy.put(session, shown);
      getContext().watchWith(session, new SessionEnded(session));
    }
    if (shown.add(username)) watchers.computeIfAbsent(username, u -> new HashSet<>()).add(session);
  }

  private void unwatch(ActorRef<Session.Command> session, String username) {
    var shown = watchedBy.get(session);
    if (shown == null || !shown.remove(username)) return;
    dropWatcher(username, session);
    if (shown.isEmpty()) {
      watchedBy.remove(session);
      getContext().unwatch(session);
    }
  }

  private void forget(ActorRef<Session.Command> session) {
    var shown = watchedBy.remove(session);
    if (shown != null) shown.forEach(username -> dropWatcher(username, session));
  }

  private void dropWatcher(String username, ActorRef<Session.Command> session) {
    var sessions = watchers.get(username);
    if (sessions != null && sessions.remove(session) && sessions.isEmpty()) watchers.remove(username);
  }

  private Behavior<Command> onChanged(Changed changed) {
    var sessions = watchers.get(changed.change().username());
    if (sessions != null) {
      var message = new Session.PresenceChanged(changed.change());
      sessions.forEach(session -> session.tell(message));
    }
    return this;
  }
}
