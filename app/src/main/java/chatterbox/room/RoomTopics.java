package chatterbox.room;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.pubsub.Topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's pub/sub topics: one {@link Topic} actor per room ({@code room:<id>}, carrying
 * {@link Room.Event}) while the room is in use here, and one for all users' notices
 * ({@code user-notices}, carrying {@link UserNotice}), started with the node.
 *
 * <p>Why topics: a room entity publishes each entry once to its local topic actor; that actor
 * sends one copy to each node where the topic has subscribers (it learns them through the cluster
 * receptionist), and each node's topic actor fans the copy out to its local subscribers, the
 * gateway's session actors. A message thus crosses the network once per interested node, not once
 * per session. Delivery is at most once and learning of new subscribing nodes takes the
 * receptionist's gossip (about a second), so subscribers rely on the entries' {@code seq} to
 * notice gaps and on the history API to fill them.
 *
 * <p>A room's topic lives while its room entity runs on this node ({@link #startPublishing}) or
 * sessions here subscribe to it: {@link #stopIdleTopics}, run every minute
 * ({@code chatterbox.rooms.idle-topic-sweep}), stops the others (Akka's
 * topic never stops by itself, and a node would otherwise keep one for every room it ever served,
 * about 2 KB each). A topic is stopped only if no subscription was sent to it after it answered that
 * it had no local subscribers: subscribing and that check take the same per-room lock, so a session
 * never subscribes to a topic on its way out.
 *
 * <p>Users' notices share one topic rather than one per user: a node serves many more users than
 * rooms over its life, and a topic that is new on a node delivers its first messages to local
 * subscribers only, which lost notices to a user whose sessions were all elsewhere. Each node's
 * gateway subscribes one relay, which hands a notice to that user's sessions; the topic is started
 * with the node so that it has learnt the other nodes' relays before anyone publishes. (A room's
 * topic is started when its entity starts, a recovery from the journal before its first publish.)
 *
 * <p>Thread-safe: entities and sessions use it from any thread.
 */
public final class RoomTopics implements Extension {

  private static final ExtensionId<RoomTopics> ID = new ExtensionId<>() {
    @Override
    public RoomTopics createExtension(ActorSystem<?> system) {
      return new RoomTopics(system);
    }
  };

  public static RoomTopics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** A room's topic actor on this node and what keeps it; its counts are guarded by the map's lock for its room. */
  private static final class RoomTopic {
    final ActorRef<Topic.Command<Room.Event>> actor;
    int publishers;
    long subscriptionsSent;

    RoomTopic(ActorRef<Topic.Command<Room.Event>> actor) {
      this.actor = actor;
    }
  }

  private final ActorSystem<?> system;
  private final ConcurrentMap<String, RoomTopic> rooms = new ConcurrentHashMap<>();
  private final AtomicLong topicsStarted = new AtomicLong();
  private final ActorRef<Topic.Command<UserNotice>> userNotices;

  private RoomTopics(ActorSystem<?> system) {
    this.system = system;
    this.userNotices = start(UserNotice.class, "user-notices", "user-notices-topic");
  }

  /**
   * For room {@code roomId}'s entity, starting on this node: the topic to publish its entries to,
   * kept until {@link #stopPublishing}.
   */
  public ActorRef<Topic.Command<Room.Event>> startPublishing(String roomId) {
    return rooms.compute(checked(roomId), (id, topic) -> {
      var kept = topic != null ? topic : newTopic(id);
      kept.publishers++;
      return kept;
    }).actor;
  }

  /** The room's entity on this node has stopped: its topic may go once no session here needs it. */
  public void stopPublishing(String roomId) {
    rooms.computeIfPresent(roomId, (id, topic) -> {
      topic.publishers--;
      return topic;
    });
  }

  /** Subscribes {@code subscriber} to the room's entries (starting the room's topic here if need be). */
  public void subscribe(String roomId, ActorRef<Room.Event> subscriber) {
    rooms.compute(checked(roomId), (id, topic) -> {
      var kept = topic != null ? topic : newTopic(id);
      kept.actor.tell(Topic.subscribe(subscriber));
      kept.subscriptionsSent++;
      return kept;
    });
  }

  /** Ends {@code subscriber}'s subscription (a subscriber that stops is unsubscribed anyway). */
  public void unsubscribe(String roomId, ActorRef<Room.Event> subscriber) {
    var topic = rooms.get(roomId);
    if (topic != null) topic.actor.tell(Topic.unsubscribe(subscriber));
  }

  /**
   * Stops the room topics that no room entity here publishes to and no local session subscribes
   * to. Answers how many it stopped.
   */
  public CompletionStage<Integer> stopIdleTopics(Duration askTimeout) {
    record Check(String roomId, RoomTopic topic, long subscriptionsSent, CompletionStage<Topic.TopicStats> stats) {}
    var checks = new ArrayList<Check>();
    for (var roomId : List.copyOf(rooms.keySet())) {
      rooms.computeIfPresent(roomId, (id, topic) -> {
        // Asked under the room's lock: a subscription sent before this question is counted in
        // the answer, and one sent after it changes subscriptionsSent.
        if (topic.publishers == 0) {
          checks.add(new Check(id, topic, topic.subscriptionsSent, AskPattern.ask(topic.actor,
              Topic::<Room.Event>getTopicStats, askTimeout, system.scheduler())));
        }
        return topic;
      });
    }
    var stopped = checks.stream()
        .map(check -> check.stats()
            .thenApply(stats -> stats.localSubscriberCount() == 0 && stop(check.roomId(), check.topic(), check.subscriptionsSent()))
            .exceptionally(unanswered -> false)
            .toCompletableFuture())
        .toList();
    return CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new))
        .thenApply(done -> (int) stopped.stream().filter(CompletableFuture::join).count());
  }

  /** Runs {@link #stopIdleTopics} every {@code interval}, for the node's life. */
  public void stopIdleTopicsEvery(Duration interval) {
    system.scheduler().scheduleWithFixedDelay(interval, interval,
        () -> stopIdleTopics(interval), system.executionContext());
  }

  /** How many room topics this node runs. */
  public int roomTopicCount() {
    return rooms.size();
  }

  /** The room's topic actor on this node, or null when there is none (for tests). */
  ActorRef<Topic.Command<Room.Event>> existingTopic(String roomId) {
    var topic = rooms.get(roomId);
    return topic == null ? null : topic.actor;
  }

  /** The topic of every user's notices, for one relay per node to subscribe to ({@code TopicRelay}). */
  public ActorRef<Topic.Command<UserNotice>> userNotices() {
    return userNotices;
  }

  /** Tells all of the notice's user's sessions, on whichever nodes they are. */
  public void notifyUser(UserNotice notice) {
    userNotices.tell(Topic.publish(notice));
  }

  private boolean stop(String roomId, RoomTopic idle, long subscriptionsSent) {
    var removed = new boolean[1];
    rooms.computeIfPresent(roomId, (id, topic) -> {
      removed[0] = topic == idle && topic.publishers == 0 && topic.subscriptionsSent == subscriptionsSent;
      return removed[0] ? null : topic;
    });
    if (removed[0]) system.classicSystem().stop(Adapter.toClassic(idle.actor));
    return removed[0];
  }

  private static String checked(String roomId) {
    Room.idProblem(roomId).ifPresent(problem -> {
      throw new IllegalArgumentException("room id " + problem);
    });
    return roomId;
  }

  // A stopped topic's actor name may not be free yet when its room is used again: each gets its own.
  private RoomTopic newTopic(String roomId) {
    return new RoomTopic(start(Room.Event.class, "room:" + roomId, "room-topic-" + roomId + "-" + topicsStarted.incrementAndGet()));
  }

  // The topic name is what makes topic actors on different nodes one topic; the actor name is local.
  private <T> ActorRef<Topic.Command<T>> start(Class<T> messageType, String topicName, String actorName) {
    return system.systemActorOf(Topic.create(messageType, topicName), actorName, Props.empty());
  }
}
