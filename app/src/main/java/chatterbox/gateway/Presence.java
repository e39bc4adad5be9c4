package chatterbox.gateway;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import chatterbox.platform.serialization.JsonSerializable;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether a user is online, one entity per username. Heartbeats drive it: every session of the user
 * beats on each client heartbeat; a session that stops beating for longer than the expiry (a dead
 * node, a lost connection) no longer counts. The user is online while at least one session counts;
 * each change is published on the cluster-wide presence topic.
 *
 * <p>Not persisted: presence is rebuilt by the next heartbeats if the entity moves or restarts.
 */
public final class Presence {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Presence");

  static void init(ActorSystem<?> system, Duration expiry, ActorRef<Topic.Command<Changed>> presenceTopic) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY,
        ctx -> create(ctx.getEntityId(), expiry, presenceTopic)));
  }

  public sealed interface Command extends JsonSerializable {}

  /** A session of the user is alive. */
  public record Beat(String sessionId) implements Command {}

  /** A session of the user closed. */
  public record Gone(String sessionId) implements Command {}

  public record IsOnline(ActorRef<Online> replyTo) implements Command {}

  public record Online(String username, boolean online) implements JsonSerializable {}

  /** Published on the presence topic when a user comes online or goes offline. */
  public record Changed(String username, boolean online) implements JsonSerializable {}

  private enum Sweep implements Command { INSTANCE }

  static Behavior<Command> create(String username, Duration expiry, ActorRef<Topic.Command<Changed>> topic) {
    return Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Sweep.INSTANCE, expiry.dividedBy(2));
      return active(username, expiry, topic, new HashMap<>());
    });
  }

  private static Behavior<Command> active(String username, Duration expiry, ActorRef<Topic.Command<Changed>> topic,
                                          Map<String, Long> lastBeat) {
    return Behaviors.receive(Command.class)
        .onMessage(Beat.class, beat -> {
          boolean wasOnline = !lastBeat.isEmpty();
          lastBeat.put(beat.sessionId(), System.nanoTime());
          if (!wasOnline) topic.tell(Topic.publish(new Changed(username, true)));
          return Behaviors.same();
        })
        .onMessage(Gone.class, gone -> {
          if (lastBeat.remove(gone.sessionId()) != null && lastBeat.isEmpty()) {
            topic.tell(Topic.publish(new Changed(username, false)));
          }
          return Behaviors.same();
        })
        .onMessage(IsOnline.class, ask -> {
          ask.replyTo().tell(new Online(username, !lastBeat.isEmpty()));
          return Behaviors.same();
        })
        .onMessageEquals(Sweep.INSTANCE, () -> {
          boolean wasOnline = !lastBeat.isEmpty();
          long oldest = System.nanoTime() - expiry.toNanos();
          lastBeat.values().removeIf(at -> at < oldest);
          if (wasOnline && lastBeat.isEmpty()) topic.tell(Topic.publish(new Changed(username, false)));
          return Behaviors.same();
        })
        .build();
  }
}
