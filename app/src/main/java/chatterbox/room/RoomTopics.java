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
 * {@link Room.Event}) and one per user ({@code user:<username>}, carrying {@link UserNotice}),
 * started on first use and kept for the life of the node.
 *
 * <p>Why topics: a room entity publishes each entry once to its local topic actor; that actor
 * sends one copy to each node where the topic has subscribers (it learns them through the cluster
 * receptionist), and each node's topic actor fans the copy out to its local subscribers, the
 * gateway's session actors. A message thus crosses the network once per interested node, not once
 * per session. Delivery is at most once and learning of new subscribing nodes takes the
 * receptionist's gossip (about a second), so subscribers rely on the entries' {@code seq} to
 * notice gaps and on the history API to fill them.
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
  private final ConcurrentMap<String, ActorRef<Topic.Command<UserNotice>>> users = new ConcurrentHashMap<>();

  private RoomTopics(ActorSystem<?> system) {
    this.system = system;
  }

  /** The topic of room {@code roomId}'s timeline: subscribe with {@code Topic.subscribe(ref)}. */
  public ActorRef<Topic.Command<Room.Event>> roomTopic(String roomId) {
    Room.idProblem(roomId).ifPresent(problem -> {
      throw new IllegalArgumentException("room id " + problem);
    });
    return rooms.computeIfAbsent(roomId, id -> start(Room.Event.class, "room:" + id, "room-topic-" + id));
  }

  /** The topic of what all of {@code username}'s sessions must hear of. */
  public ActorRef<Topic.Command<UserNotice>> userTopic(String username) {
    UserRooms.idProblem(username).ifPresent(problem -> {
      throw new IllegalArgumentException("username " + problem);
    });
    return users.computeIfAbsent(username, name -> start(UserNotice.class, "user:" + name, "user-topic-" + name));
  }

  // The topic name is what makes topic actors on different nodes one topic; the actor name is local.
  private <T> ActorRef<Topic.Command<T>> start(Class<T> messageType, String topicName, String actorName) {
    return system.systemActorOf(Topic.create(messageType, topicName), actorName, Props.empty());
  }
}
