package chatterbox.account;

import akka.Done;
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
import chatterbox.platform.cluster.IdlePassivation;
import chatterbox.platform.persistence.NodeHandlers;
import chatterbox.platform.serialization.JsonSerializable;
import com.typesafe.config.Config;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One account per username (canonical lower case), sharded across the cluster.
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>A username belongs to at most one registration: this entity alone decides, one command at
 *       a time, so two concurrent sign-ups cannot both win (no check-then-insert race).</li>
 *   <li>A registration that never completes (the KYC step failed for good, the client went away)
 *       holds the name only for {@link Settings#registrationHold()}; then a new claim frees it.</li>
 *   <li>PIN attempts, from logins and transfer confirmations alike, are counted here in order, so
 *       concurrent attempts cannot race past the lockout, and the lockout survives restarts.</li>
 *   <li>It holds no name or national ID: only the opaque KYC subject id and a keyed PIN hash.</li>
 * </ul>
 * Time comes in with each command, so the behaviour is deterministic and testable.
 */
public final class Account
    extends EventSourcedBehaviorWithEnforcedReplies<Account.Command, Account.Event, Account.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Account");

  /** Runs the accounts sharded; an account that has had no command for {@code idleTimeout} leaves memory. */
  public static void init(ActorSystem<?> system, Settings settings, Duration idleTimeout) {
    var handlers = new Handlers(settings);
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, ctx -> new Account(ctx.getEntityId(), handlers))
        .withSettings(IdlePassivation.after(system, idleTimeout)));
  }

  public static Behavior<Command> create(String username, Settings settings) {
    return new Account(username, new Handlers(settings));
  }

  /** Registration hold and PIN lockout policy. */
  public record Settings(Duration registrationHold, int attemptsBeforeLock, Duration firstLock, Duration maxLock) {

    public static Settings fromConfig(Config accounts) {
      return new Settings(
          accounts.getDuration("registration-hold"),
          accounts.getInt("lockout.attempts"),
          accounts.getDuration("lockout.first"),
          accounts.getDuration("lockout.max"));
    }

    /** 5 min, 10 min, 20 min, ... doubling with each lockout in a row, up to the maximum. */
    Duration lockDuration(int lockoutsInARow) {
      var doublings = Math.min(lockoutsInARow - 1, 20);
      var grown = firstLock.multipliedBy(1L << doublings);
      return grown.compareTo(maxLock) > 0 ? maxLock : grown;
    }
  }

  // ---- commands -------------------------------------------------------------------------------

  public sealed interface Command extends JsonSerializable {}

  /** Starts (or, with the same PIN, continues) a registration under {@code subjectId}. */
  public record Claim(String pinHash, String subjectId, Instant now, ActorRef<ClaimResult> replyTo) implements Command {}

  /** The KYC system holds the person's data: the account becomes usable. */
  public record CompleteRegistration(String subjectId, Instant now, ActorRef<CompletionResult> replyTo) implements Command {}

  /** Checks a PIN (its keyed hash) for a login or a transfer confirmation; counts failures. */
  public record VerifyPin(String pinHash, Instant now, ActorRef<PinCheck> replyTo) implements Command {}

  public record CheckSession(String sessionId, Instant now, ActorRef<SessionCheck> replyTo) implements Command {}

  /** Logout: the session's token is refused from now until it would have expired anyway. */
  public record RevokeSession(String sessionId, Instant expiresAt, Instant now, ActorRef<Done> replyTo) implements Command {}

  /** An operator lifts a lockout. */
  public record Unlock(ActorRef<Done> replyTo) implements Command {}

  public record GetSummary(Instant now, ActorRef<Summary> replyTo) implements Command {}

  // ---- replies --------------------------------------------------------------------------------

  public sealed interface ClaimResult extends JsonSerializable {}

  /**
   * The name is held for this registration under {@code subjectId}. {@code abandonedSubjectId}
   * names an expired earlier registration whose KYC data should be erased, or is null.
   */
  public record Claimed(String subjectId, String abandonedSubjectId) implements ClaimResult {}

  public record UsernameTaken() implements ClaimResult {}

  public sealed interface CompletionResult extends JsonSerializable {}

  public record Registered(String subjectId) implements CompletionResult {}

  /** The claim expired and was taken over, or never existed. */
  public record NotPending() implements CompletionResult {}

  public sealed interface PinCheck extends JsonSerializable {}

  public record PinAccepted() implements PinCheck {}

  public record PinRejected(int attemptsLeft) implements PinCheck {}

  public record LockedOut(Instant until) implements PinCheck {}

  /** No active account: answered exactly like a wrong PIN to the outside world. */
  public record NoSuchAccount() implements PinCheck {}

  public record SessionCheck(boolean valid) implements JsonSerializable {}

  public record Summary(String status, String subjectId, Instant lockedUntil) implements JsonSerializable {
    public static final String NONE = "none";
    public static final String PENDING = "pending";
    public static final String ACTIVE = "active";
  }

  // ---- events ---------------------------------------------------------------------------------

  public sealed interface Event extends JsonSerializable {}

  public record UsernameClaimed(String subjectId, String pinHash, Instant at) implements Event {}

  public record ClaimExpired(String subjectId, Instant at) implements Event {}

  public record RegistrationCompleted(String subjectId, Instant at) implements Event {}

  public record PinFailed(int failuresInARow, Instant at) implements Event {}

  public record AccountLocked(Instant until, int lockoutsInARow) implements Event {}

  public record PinSucceeded(Instant at) implements Event {}

  public record SessionRevoked(String sessionId, Instant expiresAt, Instant at) implements Event {}

  public record AccountUnlocked() implements Event {}

  // ---- state ----------------------------------------------------------------------------------

  public sealed interface State extends JsonSerializable {}

  public record Unclaimed() implements State {}

  public record Pending(String subjectId, String pinHash, Instant claimedAt) implements State {
    boolean expired(Instant now, Duration hold) {
      return !claimedAt.plus(hold).isAfter(now);
    }
  }

  /**
   * @param failuresInARow wrong PINs since the last right one or the last lock
   * @param lockoutsInARow locks since the last right PIN: each one lasts twice as long
   * @param lockedUntil    null when not locked
   * @param revokedSessions session id to the time its token expires anyway
   */
  public record Active(String subjectId, String pinHash, int failuresInARow, int lockoutsInARow,
                       Instant lockedUntil, Map<String, Instant> revokedSessions) implements State {

    boolean lockedAt(Instant now) {
      return lockedUntil != null && lockedUntil.isAfter(now);
    }

    Active withPinFailure(int failures) {
      return new Active(subjectId, pinHash, failures, lockoutsInARow, lockedUntil, revokedSessions);
    }

    Active locked(Instant until, int lockouts) {
      return new Active(subjectId, pinHash, 0, lockouts, until, revokedSessions);
    }

    Active cleared() {
      return new Active(subjectId, pinHash, 0, 0, null, revokedSessions);
    }

    Active withRevoked(String sessionId, Instant expiresAt, Instant now) {
      var revoked = new HashMap<String, Instant>();
      revokedSessions.forEach((id, expiry) -> {
        if (expiry.isAfter(now)) revoked.put(id, expiry); // forget tokens that have expired anyway
      });
      revoked.put(sessionId, expiresAt);
      return new Active(subjectId, pinHash, failuresInARow, lockoutsInARow, lockedUntil, Map.copyOf(revoked));
    }
  }

  // ---- behaviour ------------------------------------------------------------------------------

  private final Handlers handlers;

  private Account(String username, Handlers handlers) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), username));
    this.handlers = handlers;
  }

  @Override
  public State emptyState() {
    return new Unclaimed();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return handlers.commands;
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return handlers.events;
  }

  /**
   * The handlers, built once per node and shared by its accounts: they read nothing of an account
   * but the node's settings, and Akka's builders keep a case and its predicates for each state and
   * command, which built per account came to about 2 KB of every awake one (docs/performance.md,
   * Change 44).
   */
  static final class Handlers extends NodeHandlers<Event, State> {
    private final Settings settings;
    private final CommandHandlerWithReply<Command, Event, State> commands;
    private final EventHandler<State, Event> events;

    Handlers(Settings settings) {
      this.settings = settings;
      this.commands = commandHandler();
      this.events = eventHandler();
    }

    private CommandHandlerWithReply<Command, Event, State> commandHandler() {
      var builder = new CommandHandlerWithReplyBuilder<Command, Event, State>();
      unclaimed(builder);
      pending(builder);
      active(builder);
      return builder.build();
    }

    private void unclaimed(CommandHandlerWithReplyBuilder<Command, Event, State> builder) {
      builder.forStateType(Unclaimed.class)
          .onCommand(Claim.class, (state, cmd) -> Effect()
              .persist(new UsernameClaimed(cmd.subjectId(), cmd.pinHash(), cmd.now()))
              .thenReply(cmd.replyTo(), s -> new Claimed(cmd.subjectId(), null)))
          .onCommand(CompleteRegistration.class, cmd -> Effect().reply(cmd.replyTo(), new NotPending()))
          .onCommand(VerifyPin.class, cmd -> Effect().reply(cmd.replyTo(), new NoSuchAccount()))
          .onCommand(CheckSession.class, cmd -> Effect().reply(cmd.replyTo(), new SessionCheck(false)))
          .onCommand(RevokeSession.class, cmd -> Effect().reply(cmd.replyTo(), Done.getInstance()))
          .onCommand(Unlock.class, cmd -> Effect().reply(cmd.replyTo(), Done.getInstance()))
          .onCommand(GetSummary.class, cmd -> Effect().reply(cmd.replyTo(), new Summary(Summary.NONE, null, null)));
    }

    private void pending(CommandHandlerWithReplyBuilder<Command, Event, State> builder) {
      builder.forStateType(Pending.class)
          .onCommand(Claim.class, this::claimWhilePending)
          .onCommand(CompleteRegistration.class, (state, cmd) -> state.subjectId().equals(cmd.subjectId())
              ? Effect().persist(new RegistrationCompleted(cmd.subjectId(), cmd.now()))
                  .thenReply(cmd.replyTo(), s -> new Registered(cmd.subjectId()))
              : Effect().reply(cmd.replyTo(), new NotPending()))
          .onCommand(VerifyPin.class, cmd -> Effect().reply(cmd.replyTo(), new NoSuchAccount()))
          .onCommand(CheckSession.class, cmd -> Effect().reply(cmd.replyTo(), new SessionCheck(false)))
          .onCommand(RevokeSession.class, cmd -> Effect().reply(cmd.replyTo(), Done.getInstance()))
          .onCommand(Unlock.class, cmd -> Effect().reply(cmd.replyTo(), Done.getInstance()))
          .onCommand(GetSummary.class, (state, cmd) -> Effect().reply(cmd.replyTo(),
              new Summary(Summary.PENDING, state.subjectId(), null)));
    }

    /**
     * The same PIN continues the registration (a client retrying after a KYC hiccup). A different
     * PIN is someone else: the name is taken, unless the hold has run out.
     */
    private ReplyEffect<Event, State> claimWhilePending(Pending state, Claim cmd) {
      if (state.expired(cmd.now(), settings.registrationHold())) {
        return Effect()
            .persist(List.of(
                new ClaimExpired(state.subjectId(), cmd.now()),
                new UsernameClaimed(cmd.subjectId(), cmd.pinHash(), cmd.now())))
            .thenReply(cmd.replyTo(), s -> new Claimed(cmd.subjectId(), state.subjectId()));
      }
      if (PinHasher.matches(state.pinHash(), cmd.pinHash())) {
        return Effect().reply(cmd.replyTo(), new Claimed(state.subjectId(), null));
      }
      return Effect().reply(cmd.replyTo(), new UsernameTaken());
    }

    private void active(CommandHandlerWithReplyBuilder<Command, Event, State> builder) {
      builder.forStateType(Active.class)
          .onCommand(Claim.class, cmd -> Effect().reply(cmd.replyTo(), new UsernameTaken()))
          .onCommand(CompleteRegistration.class, (state, cmd) -> Effect().reply(cmd.replyTo(),
              state.subjectId().equals(cmd.subjectId()) ? new Registered(cmd.subjectId()) : new NotPending()))
          .onCommand(VerifyPin.class, this::verifyPin)
          .onCommand(CheckSession.class, (state, cmd) -> Effect().reply(cmd.replyTo(),
              new SessionCheck(!state.revokedSessions().containsKey(cmd.sessionId()))))
          .onCommand(RevokeSession.class, (state, cmd) -> Effect()
              .persist(new SessionRevoked(cmd.sessionId(), cmd.expiresAt(), cmd.now()))
              .thenReply(cmd.replyTo(), s -> Done.getInstance()))
          .onCommand(Unlock.class, (state, cmd) -> Effect()
              .persist(new AccountUnlocked())
              .thenReply(cmd.replyTo(), s -> Done.getInstance()))
          .onCommand(GetSummary.class, (state, cmd) -> Effect().reply(cmd.replyTo(),
              new Summary(Summary.ACTIVE, state.subjectId(), state.lockedAt(cmd.now()) ? state.lockedUntil() : null)));
    }

    private ReplyEffect<Event, State> verifyPin(Active state, VerifyPin cmd) {
      if (state.lockedAt(cmd.now())) {
        return Effect().reply(cmd.replyTo(), new LockedOut(state.lockedUntil()));
      }
      if (PinHasher.matches(state.pinHash(), cmd.pinHash())) {
        boolean nothingToReset = state.failuresInARow() == 0 && state.lockoutsInARow() == 0 && state.lockedUntil() == null;
        return nothingToReset
            ? Effect().reply(cmd.replyTo(), new PinAccepted())
            : Effect().persist(new PinSucceeded(cmd.now())).thenReply(cmd.replyTo(), s -> new PinAccepted());
      }
      int failures = state.failuresInARow() + 1;
      if (failures < settings.attemptsBeforeLock()) {
        return Effect().persist(new PinFailed(failures, cmd.now()))
            .thenReply(cmd.replyTo(), s -> new PinRejected(settings.attemptsBeforeLock() - failures));
      }
      int lockouts = state.lockoutsInARow() + 1;
      var until = cmd.now().plus(settings.lockDuration(lockouts));
      return Effect().persist(List.of(new PinFailed(failures, cmd.now()), new AccountLocked(until, lockouts)))
          .thenReply(cmd.replyTo(), s -> new LockedOut(until));
    }

    private EventHandler<State, Event> eventHandler() {
      var builder = new EventHandlerBuilder<State, Event>();
      builder.forAnyState()
          .onEvent(UsernameClaimed.class, (state, e) -> new Pending(e.subjectId(), e.pinHash(), e.at()))
          .onEvent(ClaimExpired.class, (state, e) -> new Unclaimed());
      builder.forStateType(Pending.class)
          .onEvent(RegistrationCompleted.class, (state, e) ->
              new Active(state.subjectId(), state.pinHash(), 0, 0, null, Map.of()));
      builder.forStateType(Active.class)
          .onEvent(PinFailed.class, (state, e) -> state.withPinFailure(e.failuresInARow()))
          .onEvent(AccountLocked.class, (state, e) -> state.locked(e.until(), e.lockoutsInARow()))
          .onEvent(PinSucceeded.class, (state, e) -> state.cleared())
          .onEvent(AccountUnlocked.class, (state, e) -> state.cleared())
          .onEvent(SessionRevoked.class, (state, e) -> state.withRevoked(e.sessionId(), e.expiresAt(), e.at()));
      return builder.build();
    }
  }
}
