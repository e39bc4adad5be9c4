package chatterbox.room;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.actor.typed.Props;
import akka.actor.typed.pubsub.Topic;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * This node's pub/sub topics: one {@link Topic} actor per room ({@code room:<id>}, carrying
 * {@link Room.Event}), started on first use and kept for the life of the node, and one for all
 * users' notices ({@code user-notices}, carrying {@link UserNotice}), started with the node.
 *
 * <p>Why topics: a room entity publishes each entry once to its local topic actor; that actor
 * sends one copy to each node where the topic has subscribers (it learns them through the cluster
 * receptionist), and each node's topic actor fans the copy out to its local subscribers, the
 * gateway's session actors. A message thus crosses the network once per interested node, not once
 * per session. Delivery is at most once and learning of new subscribing nodes takes the
 * receptionist's gossip (about a second), so subscribers rely on the entries' {@code seq} to
 * notice gaps and on the history API to fill them.
 *
 * <p>Users' notices share one topic rather than one per user: a node serves many more users than
 * rooms over its life, and a topic that is new on a node delivers its first messages to local
 * subscribers only, which lost notices to a user whose sessions were all elsewhere. Each node's
 * gateway subscribes one relay, which hands a notice to that user's sessions; the topic is started
 * with the node so that it has learnt the other nodes' relays before anyone publishes.
 *
 * <p>Thread-safe: entities and routes ask for topics from any thread.
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

  private final ActorSystem<?> system;
  private final ConcurrentMap<String, ActorRef<Topic.Command<Room.Event>>> rooms = new ConcurrentHashMap<>();
  private final ActorRef<Topic.Command<UserNotice>> userNotices;

  private RoomTopics(ActorSystem<?> system) {
    this.system = system;
    this.userNotices = start(UserNotice.class, "user-notices", "user-notices-topic");
  }

  /** The topic of room {@code roomId}'s timeline: subscribe with {@code Topic.subscribe(ref)}. */
  public ActorRef<Topic.Command<Room.Event>> roomTopic(String roomId) {
    Room.idProblem(roomId).ifPresent(problem -> {
      throw new IllegalArgumentException("room id " + problem);
    });
    return rooms.computeIfAbsent(roomId, id -> start(Room.Event.class, "room:" + id, "room-topic-" + id));
  }

  /** The topic of every user's notices, for one relay per node to subscribe to ({@code TopicRelay}). */
  public ActorRef<Topic.Command<UserNotice>> userNotices() {
    return userNotices;
  }

  /** Tells all of the notice's user's sessions, on whichever nodes they are. */
  public void notifyUser(UserNotice notice) {
    userNotices.tell(Topic.publish(notice));
  }

  // The topic name is what makes topic actors on different nodes one topic; the actor name is local.
  private <T> ActorRef<Topic.Command<T>> start(Class<T> messageType, String topicName, String actorName) {
    return system.systemActorOf(Topic.create(messageType, topicName), actorName, Props.empty());
  }
}
