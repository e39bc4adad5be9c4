package chatterbox.gateway;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import chatterbox.platform.serialization.JsonSerializable;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who is online. Heartbeats drive it: every session of a user beats on each client heartbeat; a
 * session that stops beating for longer than the expiry (a dead node, a lost connection) no longer
 * counts. A user is online while at least one of their sessions counts; each change is published
 * on the cluster-wide presence topic.
 *
 * <p>Users are kept in a fixed number of groups, one sharded entity each ({@link #groupOf}), not
 * one entity per user: an online user costs a group a map entry (about 0.2 KB) instead of an
 * actor, its place in a shard and a sweep timer of its own (about 1 KB). Every node must use the
 * same number of groups, as with the number of shards.
 *
 * <p>Not persisted: a group that moves or restarts is rebuilt by the next heartbeats.
 */
public final class Presence {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "PresenceGroup");

  static void init(ActorSystem<?> system, Duration expiry, ActorRef<Topic.Command<Changed>> presenceTopic) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(expiry, presenceTopic)));
  }

  /** The group entity that keeps {@code username}'s sessions. */
  static EntityRef<Command> groupFor(ClusterSharding sharding, String username, int groups) {
    return sharding.entityRefFor(ENTITY_TYPE_KEY, groupOf(username, groups));
  }

  /** {@code username}'s group: the same on every node and in every version ({@link String#hashCode} is specified). */
  static String groupOf(String username, int groups) {
    return Integer.toString(Math.floorMod(username.hashCode(), groups));
  }

  public sealed interface Command extends JsonSerializable {}

  /** A session of the user is alive. */
  public record Beat(String username, String sessionId) implements Command {}

  /** A session of the user closed. */
  public record Gone(String username, String sessionId) implements Command {}

  /** Which of {@code usernames} (all of this group) are online. */
  public record WhoIsOnline(List<String> usernames, ActorRef<OnlineUsers> replyTo) implements Command {}

  public record OnlineUsers(Set<String> online) implements JsonSerializable {}

  /** Published on the presence topic when a user comes online or goes offline. */
  public record Changed(String username, boolean online) implements JsonSerializable {}

  private enum Sweep implements Command { INSTANCE }

  static Behavior<Command> create(Duration expiry, ActorRef<Topic.Command<Changed>> topic) {
    return Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Sweep.INSTANCE, expiry.dividedBy(2));
      return active(expiry, topic, new HashMap<>());
    });
  }

  /** {@code lastBeats}: for each online user, when each of their sessions last beat (System.nanoTime). */
  private static Behavior<Command> active(Duration expiry, ActorRef<Topic.Command<Changed>> topic,
                                          Map<String, Map<String, Long>> lastBeats) {
    return Behaviors.receive(Command.class)
        .onMessage(Beat.class, beat -> {
          var sessions = lastBeats.get(beat.username());
          if (sessions == null) {
            // Most users have one session: a map sized for two.
            sessions = new HashMap<>(2);
            lastBeats.put(beat.username(), sessions);
            topic.tell(Topic.publish(new Changed(beat.username(), true)));
          }
          sessions.put(beat.sessionId(), System.nanoTime());
          return Behaviors.same();
        })
        .onMessage(Gone.class, gone -> {
          var sessions = lastBeats.get(gone.username());
          if (sessions != null && sessions.remove(gone.sessionId()) != null && sessions.isEmpty()) {
            lastBeats.remove(gone.username());
            topic.tell(Topic.publish(new Changed(gone.username(), false)));
          }
          return Behaviors.same();
        })
        .onMessage(WhoIsOnline.class, ask -> {
          var online = new HashSet<String>();
          for (var user : ask.usernames()) if (lastBeats.containsKey(user)) online.add(user);
          ask.replyTo().tell(new OnlineUsers(online));
          return Behaviors.same();
        })
        .onMessageEquals(Sweep.INSTANCE, () -> {
          long oldest = System.nanoTime() - expiry.toNanos();
          var users = lastBeats.entrySet().iterator();
          while (users.hasNext()) {
            var user = users.next();
            user.getValue().values().removeIf(at -> at - oldest < 0);
            if (user.getValue().isEmpty()) {
              users.remove();
              topic.tell(Topic.publish(new Changed(user.getKey(), false)));
            }
          }
          return Behaviors.same();
        })
        .build();
  }
}
