package chatterbox.platform.cluster;

import akka.actor.NoSerializationVerificationNeeded;
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
import java.util.function.Function;

/**
 * One node's only subscriber to a cluster-wide topic, which hands each message to the local actors
 * registered for the message's key (a username, say) and to no other.
 *
 * <p>Why not a topic per key: Akka's topic actors are kept for the node's life (no TTL in 2.8), each
 * with a cluster-receptionist entry per node while it has subscribers, and a topic that is new on a
 * node sends its first messages before it has learnt the other nodes' subscribers, to the local ones
 * only. A topic per user thus grew with every user a node had ever served and lost a notice (a
 * payee's receipt) published on a node that had not served that user before. One topic, subscribed
 * by one relay per node from the node's start, has neither problem; each message costs one copy per
 * node, filtered here.
 *
 * <p>Registrations last until replaced, withdrawn, or the subscriber stops (the relay watches it).
 * Delivery is at most once, like the topic's.
 *
 * @param <M> what the topic carries, and what subscribers receive
 */
public final class TopicRelay<M> extends AbstractBehavior<TopicRelay.Command<M>> {

  /** Told by actors of the relay's own node only, so never serialized. */
  public sealed interface Command<M> extends NoSerializationVerificationNeeded {}

  /** The keys {@code subscriber} is for, replacing what it registered before; empty ends its interest. */
  public record Watch<M>(ActorRef<M> subscriber, Set<String> keys) implements Command<M> {}

  /**
   * One key more ({@code watched}) or less for {@code subscriber}, the others unchanged: cheaper than
   * {@link Watch} for a subscriber with thousands of keys.
   */
  public record WatchOne<M>(ActorRef<M> subscriber, String key, boolean watched) implements Command<M> {}

  private record Published<M>(M message) implements Command<M> {}

  private record SubscriberEnded<M>(ActorRef<M> subscriber) implements Command<M> {}

  /**
   * A relay of {@code topic}, which it subscribes to at once.
   *
   * @param keyOf which key a message is for
   */
  public static <M> Behavior<Command<M>> create(ActorRef<Topic.Command<M>> topic, Class<M> messageType,
                                                Function<M, String> keyOf) {
    return Behaviors.setup(ctx -> {
      topic.tell(Topic.subscribe(ctx.messageAdapter(messageType, Published::new)));
      return new TopicRelay<>(ctx, keyOf);
    });
  }

  private final Function<M, String> keyOf;
  private final Map<ActorRef<M>, Set<String>> keysOf = new HashMap<>();
  private final Map<String, Set<ActorRef<M>>> subscribers = new HashMap<>();

  private TopicRelay(ActorContext<Command<M>> ctx, Function<M, String> keyOf) {
    super(ctx);
    this.keyOf = keyOf;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Receive<Command<M>> createReceive() {
    return newReceiveBuilder()
        .onMessage(Watch.class, watch -> onWatch((Watch<M>) watch))
        .onMessage(WatchOne.class, watch -> onWatchOne((WatchOne<M>) watch))
        .onMessage(Published.class, published -> onPublished((Published<M>) published))
        .onMessage(SubscriberEnded.class, ended -> {
          forget(((SubscriberEnded<M>) ended).subscriber());
          return this;
        })
        .build();
  }

  private Behavior<Command<M>> onWatch(Watch<M> watch) {
    var subscriber = watch.subscriber();
    for (var key : Set.copyOf(keysOf.getOrDefault(subscriber, Set.of()))) {
      if (!watch.keys().contains(key)) unwatch(subscriber, key);
    }
    for (var key : watch.keys()) watch(subscriber, key);
    return this;
  }

  private Behavior<Command<M>> onWatchOne(WatchOne<M> watch) {
    if (watch.watched()) {
      watch(watch.subscriber(), watch.key());
    } else {
      unwatch(watch.subscriber(), watch.key());
    }
    return this;
  }

  private void watch(ActorRef<M> subscriber, String key) {
    var keys = keysOf.get(subscriber);
    if (keys == null) {
      keys = new HashSet<>();
      keysOf.put(subscriber, keys);
      getContext().watchWith(subscriber, new SubscriberEnded<>(subscriber));
    }
    if (keys.add(key)) subscribers.computeIfAbsent(key, k -> new HashSet<>()).add(subscriber);
  }

  private void unwatch(ActorRef<M> subscriber, String key) {
    var keys = keysOf.get(subscriber);
    if (keys == null || !keys.remove(key)) return;
    dropSubscriber(key, subscriber);
    if (keys.isEmpty()) {
      keysOf.remove(subscriber);
      getContext().unwatch(subscriber);
    }
  }

  private void forget(ActorRef<M> subscriber) {
    var keys = keysOf.remove(subscriber);
    if (keys != null) keys.forEach(key -> dropSubscriber(key, subscriber));
  }

  private void dropSubscriber(String key, ActorRef<M> subscriber) {
    var forKey = subscribers.get(key);
    if (forKey != null && forKey.remove(subscriber) && forKey.isEmpty()) subscribers.remove(key);
  }

  private Behavior<Command<M>> onPublished(Published<M> published) {
    var forKey = subscribers.get(keyOf.apply(published.message()));
    if (forKey != null) forKey.forEach(subscriber -> subscriber.tell(published.message()));
    return this;
  }
}
