package chatterbox.room;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventHandlerBuilder;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import chatterbox.account.Username;
import chatterbox.platform.cluster.IdlePassivation;
import chatterbox.platform.persistence.NodeHandlers;
import chatterbox.platform.serialization.JsonSerializable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rooms one user is in (entity id: the username), in the order joined, and whether the user
 * has been given the default room. It is an index for the user's sessions: each {@link Room}
 * decides its own membership, and {@link RoomService} keeps this list in step with the rooms.
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>Every command is idempotent: adding a listed room, removing an unlisted one or marking an
 *       initialized user again writes nothing.</li>
 *   <li>Once initialized, a user stays initialized, so the default room is given once in a user's
 *       life: leaving it is final.</li>
 *   <li>It lists at most {@code maxRooms} rooms: adding one more writes nothing and answers
 *       {@link Full}. (A limit lowered later keeps the rooms listed and refuses new ones.) Every
 *       room a user is in costs each of their sessions a subscription and a view, and READY
 *       describes them all, so without a limit one user could make their sessions, and the node's
 *       pub/sub topics, grow without end.</li>
 *   <li>Every command is answered with the list as it stands afterwards; an {@link Add} that listed
 *       the room says so ({@link Added}: a join that then fails unlists only a room it listed), and
 *       one beyond the limit is answered {@link Full}.</li>
 * </ul>
 */
public final class UserRooms
    extends EventSourcedBehaviorWithEnforcedReplies<UserRooms.Command, UserRooms.Event, UserRooms.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "UserRooms");

  /**
   * Runs the room lists sharded, each of at most {@code maxRooms} rooms; a list that has had no
   * command for {@code idleTimeout} leaves memory.
   */
  public static void init(ActorSystem<?> system, Duration idleTimeout, int maxRooms) {
    var handlers = new Handlers(maxRooms);
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, ctx -> new UserRooms(ctx.getEntityId(), handlers))
        .withSettings(IdlePassivation.after(system, idleTimeout)));
  }

  public static Behavior<Command> create(String username, int maxRooms) {
    return new UserRooms(username, new Handlers(maxRooms));
  }

  /** Why {@code username} is not the canonical form (as sessions carry it) of a valid username, or empty. */
  public static Optional<String> idProblem(String username) {
    var problem = Username.problem(username);
    if (problem.isEmpty() && !username.equals(Username.normalize(username))) return Optional.of("must be in canonical form (lower case, no surrounding spaces)");
    return problem;
  }

  // ---- commands -------------------------------------------------------------------------------

  public sealed interface Command extends JsonSerializable {}

  public record Add(String roomId, ActorRef<AddReply> replyTo) implements Command {
    public Add {
      Objects.requireNonNull(roomId, "roomId");
    }
  }

  public record Remove(String roomId, ActorRef<Rooms> replyTo) implements Command {
    public Remove {
      Objects.requireNonNull(roomId, "roomId");
    }
  }

  public record Get(ActorRef<Rooms> replyTo) implements Command {}

  /** The user has been given the default room (or has had the chance to be). */
  public record MarkInitialized(ActorRef<Rooms> replyTo) implements Command {}

  // ---- replies --------------------------------------------------------------------------------

  public sealed interface AddReply extends JsonSerializable {}

  /** @param roomIds in the order joined */
  public record Rooms(List<String> roomIds, boolean initialized) implements AddReply {
    public Rooms {
      roomIds = List.copyOf(roomIds);
    }
  }

  /** The room was not listed and now is: {@code rooms} as they stand afterwards. */
  public record Added(Rooms rooms) implements AddReply {}

  /** The user is in {@code limit} rooms already, the most one user may be in: nothing was added. */
  public record Full(int limit) implements AddReply {}

  // ---- events ---------------------------------------------------------------------------------

  public sealed interface Event extends JsonSerializable {}

  public record RoomAdded(String roomId) implements Event {}

  public record RoomRemoved(String roomId) implements Event {}

  public record Initialized() implements Event {}

  // ---- state ----------------------------------------------------------------------------------

  /** @param roomIds in the order joined, each once */
  public record State(List<String> roomIds, boolean initialized) implements JsonSerializable {

    static final State EMPTY = new State(List.of(), false);

    public State {
      roomIds = List.copyOf(roomIds);
    }

    boolean has(String roomId) {
      return roomIds.contains(roomId);
    }

    State with(String roomId) {
      var rooms = new ArrayList<>(roomIds);
      rooms.add(roomId);
      return new State(rooms, initialized);
    }

    State without(String roomId) {
      var rooms = new ArrayList<>(roomIds);
      rooms.remove(roomId);
      return new State(rooms, initialized);
    }

    State markedInitialized() {
      return new State(roomIds, true);
    }

    Rooms rooms() {
      return new Rooms(roomIds, initialized);
    }
  }

  // ---- behaviour ------------------------------------------------------------------------------

  private final Handlers handlers;

  private UserRooms(String username, Handlers handlers) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), username));
    this.handlers = handlers;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return handlers.commands;
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return handlers.events;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  /**
   * The handlers, built once per node and shared by its lists: they read nothing of a list but the
   * node's limit, and built per list (Akka's builders keep a case and its predicates for each
   * command) they were part of every awake one (docs/performance.md, Change 44).
   */
  static final class Handlers extends NodeHandlers<Event, State> {
    private final int maxRooms;
    private final CommandHandlerWithReply<Command, Event, State> commands;
    private final EventHandler<State, Event> events;

    Handlers(int maxRooms) {
      if (maxRooms < 1) throw new IllegalArgumentException("maxRooms must be at least 1, not " + maxRooms);
      this.maxRooms = maxRooms;
      this.commands = commandHandler();
      this.events = eventHandler();
    }

    // One state type: whether a command writes depends only on the list and the flag.
    private CommandHandlerWithReply<Command, Event, State> commandHandler() {
      return new CommandHandlerWithReplyBuilder<Command, Event, State>()
          .forAnyState()
          .onCommand(Add.class, this::onAdd)
          .onCommand(Remove.class, (state, remove) -> state.has(remove.roomId())
              ? write(new RoomRemoved(remove.roomId()), remove.replyTo())
              : unchanged(state, remove.replyTo()))
          .onCommand(MarkInitialized.class, (state, mark) -> state.initialized()
              ? unchanged(state, mark.replyTo())
              : write(new Initialized(), mark.replyTo()))
          .onCommand(Get.class, (state, get) -> unchanged(state, get.replyTo()))
          .build();
    }

    private ReplyEffect<Event, State> onAdd(State state, Add add) {
      if (state.has(add.roomId())) return unchanged(state, add.replyTo().narrow());
      if (state.roomIds().size() >= maxRooms) return Effect().reply(add.replyTo(), new Full(maxRooms));
      return Effect().persist(new RoomAdded(add.roomId())).thenReply(add.replyTo(), added -> new Added(added.rooms()));
    }

    private ReplyEffect<Event, State> write(Event event, ActorRef<Rooms> replyTo) {
      return Effect().persist(event).thenReply(replyTo, State::rooms);
    }

    private ReplyEffect<Event, State> unchanged(State state, ActorRef<Rooms> replyTo) {
      return Effect().reply(replyTo, state.rooms());
    }

    private EventHandler<State, Event> eventHandler() {
      return new EventHandlerBuilder<State, Event>()
          .forAnyState()
          .onEvent(RoomAdded.class, (state, added) -> state.with(added.roomId()))
          .onEvent(RoomRemoved.class, (state, removed) -> state.without(removed.roomId()))
          .onEvent(Initialized.class, (state, initialized) -> state.markedInitialized())
          .build();
    }
  }
}
