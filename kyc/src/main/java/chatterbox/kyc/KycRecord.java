package chatterbox.kyc;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import chatterbox.platform.serialization.JsonSerializable;

import java.time.Duration;
import java.time.Instant;

/**
 * The KYC record of one subject (a person, by the UUID the app chose for them), sharded over the
 * KYC cluster and event sourced.
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>The journal and snapshots hold only {@link SealedIdentity}: ciphertext, nonce, key version
 *       and a keyed hash. The entity never sees a name or a national ID, so it cannot leak one, not
 *       even in a message sent over the cluster.</li>
 *   <li>Lifecycle {@code Empty -> Registered -> Erased}, one way. The first registration wins; a
 *       registration with the same data is acknowledged again (a safe retry) and one with other
 *       data is a conflict. Once erased, a subject stays erased: it can never be registered again,
 *       so a late retry cannot bring erased data back. Erasing a subject that was never registered
 *       also leaves it erased (a tombstone), which closes the race of an erasure that overtakes
 *       the registration it was meant to remove.</li>
 *   <li>Every command gets exactly one reply (enforced replies).</li>
 * </ul>
 * Erasure itself is crypto-shredding of the subject's data key by {@link SubjectVault}, done by
 * {@link SubjectRegistry} before it sends {@link Erase}; the {@link IdentityErased} event records
 * that it happened and seals the lifecycle.
 */
public final class KycRecord
    extends EventSourcedBehaviorWithEnforcedReplies<KycRecord.Command, KycRecord.Event, KycRecord.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "KycRecord");

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, entityContext ->
        create(PersistenceId.of(entityContext.getEntityTypeKey().name(), entityContext.getEntityId()))));
  }

  /** The record of one subject; its entity id (the subject id) is part of {@code persistenceId}. */
  public static Behavior<Command> create(PersistenceId persistenceId) {
    return new KycRecord(persistenceId);
  }

  // Commands

  public sealed interface Command extends JsonSerializable {}

  /** Registers the identity that {@link SubjectVault} sealed for this subject. */
  public record Register(SealedIdentity identity, ActorRef<RegisterReply> replyTo) implements Command {}

  public record Get(ActorRef<GetReply> replyTo) implements Command {}

  /** Records the erasure; send it only after the subject's data key has been shredded. */
  public record Erase(ActorRef<Done> replyTo) implements Command {}

  // Replies

  public sealed interface RegisterReply extends JsonSerializable {
    /** Registered now. */
    record Created() implements RegisterReply {}

    /** The same data was registered before: a retry, nothing changed. */
    record AlreadyRegistered() implements RegisterReply {}

    /** Other data was registered before; it stays as it was. */
    record Conflict() implements RegisterReply {}

    /** The subject was erased and cannot be registered again. */
    record Gone() implements RegisterReply {}
  }

  public sealed interface GetReply extends JsonSerializable {
    record Found(SealedIdentity identity, Instant registeredAt) implements GetReply {}

    record NotFound() implements GetReply {}

    record Gone(Instant erasedAt) implements GetReply {}
  }

  // Events

  public sealed interface Event extends JsonSerializable {}

  public record IdentityRegistered(SealedIdentity identity, Instant registeredAt) implements Event {}

  public record IdentityErased(Instant erasedAt) implements Event {}

  // State

  public sealed interface State extends JsonSerializable {}

  public record Empty() implements State {}

  public record Registered(SealedIdentity identity, Instant registeredAt) implements State {}

  public record Erased(Instant erasedAt) implements State {}

  private KycRecord(PersistenceId persistenceId) {
    // A failing journal write stops the entity; restart it with backoff rather than hammer the database.
    super(persistenceId, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
  }

  @Override
  public State emptyState() {
    return new Empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();

    builder.forStateType(Empty.class)
        .onCommand(Register.class, (state, command) -> Effect()
            .persist(new IdentityRegistered(command.identity(), Instant.now()))
            .thenReply(command.replyTo(), registered -> new RegisterReply.Created()))
        .onCommand(Get.class, (state, command) -> Effect().reply(command.replyTo(), new GetReply.NotFound()))
        .onCommand(Erase.class, this::erase);

    builder.forStateType(Registered.class)
        .onCommand(Register.class, this::registerAgain)
        .onCommand(Get.class, (state, command) ->
            Effect().reply(command.replyTo(), new GetReply.Found(state.identity(), state.registeredAt())))
        .onCommand(Erase.class, this::erase);

    builder.forStateType(Erased.class)
        .onCommand(Register.class, (state, command) -> Effect().reply(command.replyTo(), new RegisterReply.Gone()))
        .onCommand(Get.class, (state, command) -> Effect().reply(command.replyTo(), new GetReply.Gone(state.erasedAt())))
        .onCommand(Erase.class, (state, command) -> Effect().reply(command.replyTo(), Done.getInstance()));

    return builder.build();
  }

  private ReplyEffect<Event, State> registerAgain(Registered state, Register command) {
    return Effect().reply(command.replyTo(), state.identity().sameDataAs(command.identity())
        ? new RegisterReply.AlreadyRegistered()
        : new RegisterReply.Conflict());
  }

  private ReplyEffect<Event, State> erase(State state, Erase command) {
    return Effect()
        .persist(new IdentityErased(Instant.now()))
        .thenReply(command.replyTo(), erased -> Done.getInstance());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    var builder = newEventHandlerBuilder();
    builder.forStateType(Empty.class)
        .onEvent(IdentityRegistered.class, (state, event) -> new Registered(event.identity(), event.registeredAt()));
    // Erasure ends every lifecycle, whatever came before.
    builder.forAnyState()
        .onEvent(IdentityErased.class, (state, event) -> new Erased(event.erasedAt()));
    return builder.build();
  }

  /**
   * A record has at most two events in its life (registered, erased), so snapshotting every two
   * makes an erased record recover from one snapshot of its tombstone.
   */
  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(2, 1);
  }
}
