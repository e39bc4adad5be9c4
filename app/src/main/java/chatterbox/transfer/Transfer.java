package chatterbox.transfer;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.SnapshotSelectionCriteria;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.Recovery;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.SignalHandler;
import chatterbox.platform.serialization.JsonSerializable;
import chatterbox.transfer.TransferStatus.Stage;
import chatterbox.wallet.Wallet;
import chatterbox.wallet.Wallets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One transfer of money between two wallets (entity id: the client-chosen transfer id), run as a
 * saga: debit the payer, then credit the payee. A credit is never refused, so once the debit is
 * done the transfer can only complete, and the payer's wallet keeps no hold for it. (A debit that
 * put the money on hold, as older journals' did, is settled at the payer beside the credit: see
 * {@link Wallet.Debited#settled}; and after a restart in {@link Crediting}, where the transfer no
 * longer knows, a settle goes with the credit, which the payer answers without a write when there
 * is nothing held.)
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>A transfer id names one transfer for good. Starting it again with the same request
 *       answers the first one's outcome and moves nothing; with a different request it answers
 *       {@link Mismatch} and changes nothing.</li>
 *   <li>Money moves exactly once. Each step is idempotent at the wallet (keyed by the transfer
 *       id), so the saga repeats a step until a wallet answers it: after a timeout, with a growing
 *       pause, and after a restart.</li>
 *   <li>A transfer that has started finishes. The request is journaled before the first step;
 *       each later step is sent while the previous one's result is being journaled (see
 *       {@link #advance}); recovery resumes the step that the last journaled event leads to; and
 *       {@link UnfinishedTransfers} wakes every transfer the books show unfinished and idle, so
 *       one whose node stopped resumes on another. A finished transfer passivates.</li>
 *   <li>It ends {@link Completed} (the payee has the money, the payer's hold is settled) or
 *       {@link Rejected} (the debit was refused, nothing moved). Wallets accept every credit, so
 *       no transfer has to be unwound; {@link Wallet.Refund} is there for operators.</li>
 *   <li>Every {@link Start} is answered when the transfer finishes. The waiting callers are kept
 *       in memory only: after a restart they get no answer (they can ask {@link Get}), though the
 *       transfer itself still finishes.</li>
 * </ul>
 *
 * <p>No snapshots: a transfer has at most four events, cheaper to replay than a snapshot to load.
 */
public final class Transfer extends EventSourcedBehaviorWithEnforcedReplies<Transfer.Command, Transfer.Event, Transfer.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Transfer");

  /** Every transfer event carries this tag, for the read-side projections. */
  public static final String TAG = "transfer";

  public static final String INSUFFICIENT_FUNDS = "insufficient funds";

  public static final int MAX_ID_LENGTH = 64;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]+");

  public static void init(ActorSystem<?> system) {
    init(system, Settings.DEFAULT);
  }

  /**
   * Runs the transfers sharded. Transfers that were under way when their node stopped are woken
   * by {@link UnfinishedTransfers} (not by remember-entities: see there why). Wallets must be
   * initialised on the system too ({@link Wallet#init}).
   */
  public static void init(ActorSystem<?> system, Settings settings) {
    var wallets = Wallets.sharded(system);
    ClusterSharding.get(system).init(
        Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), wallets, settings, ctx.getShard(), Clock.systemUTC()))
            .withStopMessage(Stop.INSTANCE));
  }

  /**
   * @param shard where the finished transfer asks to be passivated: its shard, or anything that
   *              stands in for one outside sharding
   */
  public static Behavior<Command> create(String transferId, Wallets wallets, Settings settings,
                                         ActorRef<ClusterSharding.ShardCommand> shard, Clock clock) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new Transfer(transferId, wallets, settings, shard, clock, context, timers)));
  }

  /** Why {@code transferId} cannot name a transfer, or empty when it can. */
  public static Optional<String> idProblem(String transferId) {
    if (transferId == null || transferId.isEmpty()) return Optional.of("is required");
    if (transferId.length() > MAX_ID_LENGTH) return Optional.of("must be at most " + MAX_ID_LENGTH + " characters");
    if (!ID.matcher(transferId).matches()) return Optional.of("may contain only letters, digits, '_' and '-'");
    return Optional.empty();
  }

  /**
   * How the saga waits for wallets.
   *
   * @param stepTimeout     how long one attempt at a step waits for the wallet's answer
   * @param firstRetryDelay the pause after an unanswered attempt, doubled after each further one
   * @param maxRetryDelay   the longest pause; a step is retried for as long as it takes
   */
  public record Settings(Duration stepTimeout, Duration firstRetryDelay, Duration maxRetryDelay) {

    // The longest pause stays short: a wallet unreachable for a while (its node crashed) is usually
    // back within seconds on another node, and the transfer should notice within about a second.
    public static final Settings DEFAULT = new Settings(Duration.ofSeconds(3), Duration.ofMillis(200), Duration.ofSeconds(1));

    Duration retryDelay(int unansweredAttempts) {
      int doublings = Math.min(Math.max(unansweredAttempts - 1, 0), 20);
      var grown = firstRetryDelay.multipliedBy(1L << doublings);
      return grown.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : grown;
    }
  }

  // ---- commands -------------------------------------------------------------------------------

  public sealed interface Command {}

  public record Start(TransferRequest request, ActorRef<StartReply> replyTo) implements Command, JsonSerializable {}

  public record Get(ActorRef<GetReply> replyTo) implements Command, JsonSerializable {}

  /** What the saga tells itself. These never leave the node, so they are not serializable. */
  sealed interface Internal extends Command, NoSerializationVerificationNeeded {}

  /** A wallet's answer to the step under way. */
  sealed interface StepAnswer extends Internal {}

  /**
   * @param payerBalance the payer's balance as its wallet answered
   * @param settled      the money has left the payer for good: no settle to send
   */
  record DebitAccepted(long payerBalance, boolean settled) implements StepAnswer {}

  record DebitRefused(long balance) implements StepAnswer {}

  /** @param payeeBalance the payee's balance as its wallet answered */
  record CreditAccepted(long payeeBalance) implements StepAnswer {}

  /** @param payerBalance the payer's balance as its wallet answered */
  record SettleAccepted(long payerBalance) implements StepAnswer {}

  /** The wallet did not answer attempt {@code step} in time, or the ask failed. */
  record StepUnanswered(long step, String cause) implements Internal {}

  record RetryStep(long step) implements Internal {}

  /** The shard's stop message: sent once the shard has accepted our request to passivate. */
  enum Stop implements Internal { INSTANCE }

  // ---- replies --------------------------------------------------------------------------------

  public sealed interface StartReply extends JsonSerializable permits TransferStatus, Receipt, Mismatch {}

  /**
   * The answer to the callers waiting when the transfer completes: its status and both wallets'
   * balances as they answered their steps (a receipt shows them without asking the wallets
   * again). Later callers, and callers after a restart, get the {@link TransferStatus} alone.
   */
  public record Receipt(TransferStatus status, Balances balances) implements StartReply {}

  /** Minor units in the payer's and the payee's wallet right after the transfer's steps there. */
  public record Balances(long payer, long payee) implements JsonSerializable {}

  public sealed interface GetReply extends JsonSerializable permits TransferStatus, UnknownTransfer {}

  /** The id already names a transfer with a different request; nothing was changed. */
  public record Mismatch(String transferId, String message) implements StartReply {}

  public record UnknownTransfer(String transferId) implements GetReply {}

  // ---- events ---------------------------------------------------------------------------------

  public sealed interface Event extends JsonSerializable {
    String transferId();

    Instant at();
  }

  public record TransferRequested(String transferId, TransferRequest request, Instant at) implements Event {}

  /** The payer's wallet holds the amount. */
  public record FundsDebited(String transferId, Instant at) implements Event {}

  /** The payer's wallet refused the debit; nothing moved. */
  public record TransferRejected(String transferId, String reason, Instant at) implements Event {}

  /** The payee has the money and the payer's hold is gone: the transfer is complete. */
  public record TransferCompleted(String transferId, Instant at) implements Event {}

  /** Written before {@link TransferCompleted} replaced this pair; read from older journals. */
  public record RecipientCredited(String transferId, Instant at) implements Event {}

  /** As {@link RecipientCredited}: the payer's hold is gone, the transfer complete. */
  public record DebitSettled(String transferId, Instant at) implements Event {}

  // ---- state ----------------------------------------------------------------------------------

  public sealed interface State extends JsonSerializable {}

  public record Empty() implements State {}

  /** A transfer that has been asked for. */
  public sealed interface Requested extends State {
    Details transfer();

    TransferStatus status();
  }

  /** Waiting for a wallet (or two) to carry out a step. */
  public sealed interface InFlight extends Requested {}

  public sealed interface Finished extends Requested {}

  public record Debiting(Details transfer) implements InFlight {
    @Override
    public TransferStatus status() {
      return transfer.status(Stage.DEBITING, Optional.empty(), Optional.empty());
    }
  }

  /** The payer is debited: crediting the payee (and settling a held debit at the payer, both at once). */
  public record Crediting(Details transfer) implements InFlight {
    @Override
    public TransferStatus status() {
      return transfer.status(Stage.CREDITING, Optional.empty(), Optional.empty());
    }
  }

  /**
   * Credited, the hold not settled yet. Only recovered from journals written before credit and
   * settle ran side by side (they wrote {@link RecipientCredited} alone); now one event,
   * {@link TransferCompleted}, records both.
   */
  public record Settling(Details transfer) implements InFlight {
    @Override
    public TransferStatus status() {
      return transfer.status(Stage.SETTLING, Optional.empty(), Optional.empty());
    }
  }

  public record Completed(Details transfer, Instant completedAt) implements Finished {
    @Override
    public TransferStatus status() {
      return transfer.status(Stage.COMPLETED, Optional.empty(), Optional.of(completedAt));
    }
  }

  public record Rejected(Details transfer, String reason, Instant rejectedAt) implements Finished {
    @Override
    public TransferStatus status() {
      return transfer.status(Stage.REJECTED, Optional.of(reason), Optional.of(rejectedAt));
    }
  }

  public record Details(String transferId, TransferRequest request, Instant requestedAt) {
    TransferStatus status(Stage stage, Optional<String> reason, Optional<Instant> finishedAt) {
      return new TransferStatus(transferId, stage, request.from(), request.to(), request.amount(), request.kind(),
          request.initiator(), reason, requestedAt, finishedAt);
    }
  }

  // ---- behaviour ------------------------------------------------------------------------------

  private static final Object RETRY_TIMER = "retry-step";

  private final String transferId;
  private final Wallets wallets;
  private final Settings settings;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Clock clock;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;

  // In memory only: lost on restart, which recovery and UnfinishedTransfers make up for.
  private final List<ActorRef<StartReply>> waitingForOutcome = new ArrayList<>();
  private long step; // numbers the steps begun by this incarnation, so stale timeouts are ignored
  private int attempt; // attempts at the current step
  private boolean credited; // while Crediting: the payee's wallet has answered the credit
  private boolean settled; // while Crediting: nothing is held at the payer (or it answered the settle)
  private long payeeBalance; // as the payee's wallet answered the credit, once credited
  private long payerBalance; // as the payer's wallet answered the debit or the settle, once settled
  private boolean stopRequested;

  private Transfer(String transferId, Wallets wallets, Settings settings, ActorRef<ClusterSharding.ShardCommand> shard,
                   Clock clock, ActorContext<Command> context, TimerScheduler<Command> timers) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), transferId));
    this.transferId = transferId;
    this.wallets = wallets;
    this.settings = settings;
    this.shard = shard;
    this.clock = clock;
    this.context = context;
    this.timers = timers;
  }

  @Override
  public State emptyState() {
    return new Empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();

    builder.forStateType(Empty.class)
        .onCommand(Start.class, this::request)
        .onCommand(Get.class, this::unknown)
        .onCommand(Stop.class, this::stop);

    builder.forStateType(Debiting.class)
        .onCommand(DebitAccepted.class, this::advance)
        .onCommand(DebitRefused.class, this::reject);
    builder.forStateType(Crediting.class)
        .onCommand(CreditAccepted.class, (crediting, accepted) -> {
          credited = true;
          payeeBalance = accepted.payeeBalance();
          return settled ? completeBoth(crediting) : Effect().noReply();
        })
        .onCommand(SettleAccepted.class, (crediting, accepted) -> {
          settled = true;
          payerBalance = accepted.payerBalance();
          return credited ? completeBoth(crediting) : Effect().noReply();
        });
    builder.forStateType(Settling.class)
        .onCommand(SettleAccepted.class, (settling, accepted) -> complete(settling, new DebitSettled(transferId, clock.instant())));

    builder.forStateType(InFlight.class)
        .onCommand(Start.class, this::awaitOutcome)
        .onCommand(StepUnanswered.class, this::scheduleRetry)
        .onCommand(RetryStep.class, this::retry)
        .onCommand(Stop.class, this::stopWhenFinished);

    builder.forStateType(Finished.class)
        .onCommand(Start.class, this::repeatOutcome)
        .onCommand(Stop.class, this::stop);

    builder.forStateType(Requested.class)
        .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), state.status()));

    // Answers and timers that belong to a step already done, or to no step of this incarnation.
    builder.forAnyState()
        .onCommand(Internal.class, ignored -> Effect().noReply());

    return builder.build();
  }

  private ReplyEffect<Event, State> request(Start start) {
    return Effect()
        .persist(new TransferRequested(transferId, start.request(), clock.instant()))
        .thenRun(debiting -> {
          waitingForOutcome.add(start.replyTo());
          beginStep(debiting);
        })
        .thenNoReply();
  }

  private ReplyEffect<Event, State> unknown(Get get) {
    // A lookup of an id nobody started: leave at once rather than linger in memory.
    return Effect().none()
        .thenRun(empty -> passivate())
        .thenReply(get.replyTo(), empty -> new UnknownTransfer(transferId));
  }

  private ReplyEffect<Event, State> awaitOutcome(InFlight state, Start start) {
    if (!start.request().equals(state.transfer().request())) return mismatch(start);
    return Effect().none().thenRun(unchanged -> waitingForOutcome.add(start.replyTo())).thenNoReply();
  }

  private ReplyEffect<Event, State> repeatOutcome(Finished state, Start start) {
    if (!start.request().equals(state.transfer().request())) return mismatch(start);
    return Effect().reply(start.replyTo(), state.status());
  }

  private ReplyEffect<Event, State> mismatch(Start start) {
    return Effect().reply(start.replyTo(), new Mismatch(transferId,
        "transfer id " + transferId + " is already used for a different transfer"));
  }

  private ReplyEffect<Event, State> reject(DebitRefused refused) {
    context.getLog().info("Transfer {} rejected: the payer's balance is {}", transferId, refused.balance());
    return finish(new TransferRejected(transferId, INSUFFICIENT_FUNDS, clock.instant()));
  }

  /**
   * Journals the debit and, without waiting for that write, sends the credit: the two writes (this
   * entity's event, the payee wallet's) overlap instead of following each other. Safe because the
   * wallets' steps are idempotent: if this event is lost with a crash, recovery repeats the debit,
   * which the wallet answers again without applying it twice, and then the credit, likewise.
   * Answers to the credit wait in the stash until the event is written, so they are handled in the
   * state the event leads to. Only the request itself is journaled before the first step: a debit
   * for a transfer the journal does not know of could never be finished.
   */
  private ReplyEffect<Event, State> advance(Debiting debiting, DebitAccepted accepted) {
    var debited = new FundsDebited(transferId, clock.instant());
    payerBalance = accepted.payerBalance();
    beginStep(eventHandler().apply(debiting, debited), accepted.settled());
    return Effect().persist(debited).thenNoReply();
  }

  /**
   * The payer's wallet has settled: both wallets have durably done their part, so the callers
   * learn the outcome now, while {@link DebitSettled} is written (if that write is lost, recovery
   * settles again, which the wallet answers without change, and completes). Only a completion is
   * answered early: a rejection is answered once journaled, for a lost one would let recovery try
   * the debit again.
   */
  private ReplyEffect<Event, State> complete(Settling state, DebitSettled settled) {
    answerWaiting(statusAfter(state, settled));
    return finish(settled); // answers no one again: the waiting list is empty now
  }

  /**
   * The payee's wallet has answered the credit and nothing is held at the payer: as
   * {@link #complete}, the callers learn the outcome now, with both wallets' balances, while
   * {@link TransferCompleted} is written (if it is lost, recovery repeats the credit and sends a
   * settle, which the wallets answer without change).
   */
  private ReplyEffect<Event, State> completeBoth(Crediting state) {
    var completed = new TransferCompleted(transferId, clock.instant());
    answerWaiting(new Receipt(statusAfter(state, completed), new Balances(payerBalance, payeeBalance)));
    return finish(completed);
  }

  private TransferStatus statusAfter(State state, Event outcome) {
    return ((Finished) eventHandler().apply(state, outcome)).status();
  }

  private ReplyEffect<Event, State> finish(Event outcome) {
    var persisted = Effect().persist(outcome).thenRun(finished -> answerWaiting(((Finished) finished).status()));
    // If the shard already asked us to stop, it is waiting for exactly that; otherwise ask it to passivate us.
    return (stopRequested ? persisted.thenStop() : persisted.thenRun(finished -> passivate())).thenNoReply();
  }

  private void answerWaiting(StartReply outcome) {
    waitingForOutcome.forEach(caller -> caller.tell(outcome));
    waitingForOutcome.clear();
  }

  private ReplyEffect<Event, State> scheduleRetry(InFlight state, StepUnanswered unanswered) {
    if (unanswered.step() != step) return Effect().noReply();
    var delay = settings.retryDelay(attempt);
    context.getLog().warn("Transfer {}: attempt {} at {} went unanswered ({}); retrying in {}",
        transferId, attempt, state.getClass().getSimpleName(), unanswered.cause(), delay);
    return Effect().none()
        .thenRun(unchanged -> timers.startSingleTimer(RETRY_TIMER, new RetryStep(step), delay))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> retry(InFlight state, RetryStep retry) {
    if (retry.step() != step) return Effect().noReply();
    return Effect().none().thenRun(this::sendStep).thenNoReply();
  }

  private ReplyEffect<Event, State> stop() {
    return Effect().stop().thenNoReply();
  }

  // The shard may ask a transfer to stop that started just after it asked to passivate: never
  // abandon the money mid-way, stop once finished.
  private ReplyEffect<Event, State> stopWhenFinished() {
    return Effect().none().thenRun(unchanged -> stopRequested = true).thenNoReply();
  }

  // ---- steps ----------------------------------------------------------------------------------

  private void beginStep(State state) {
    beginStep(state, false);
  }

  /** @param payerSettled nothing is held at the payer: a step in {@link Crediting} sends the credit alone */
  private void beginStep(State state, boolean payerSettled) {
    step++;
    attempt = 0;
    credited = false;
    settled = payerSettled;
    timers.cancel(RETRY_TIMER);
    sendStep(state);
  }

  private void sendStep(State state) {
    attempt++;
    if (state instanceof Debiting debiting) {
      var request = debiting.transfer().request();
      askWallet(request.from(), Wallet.DebitReply.class,
          replyTo -> new Wallet.Debit(transferId, request.amount(), replyTo),
          reply -> reply instanceof Wallet.Debited debited
              ? new DebitAccepted(debited.balance(), debited.settled())
              : new DebitRefused(((Wallet.InsufficientFunds) reply).balance()));
    } else if (state instanceof Crediting crediting) {
      // A retry repeats only what is still unanswered.
      var request = crediting.transfer().request();
      if (!credited) {
        askWallet(request.to(), Wallet.Credited.class,
            replyTo -> new Wallet.Credit(transferId, request.amount(), replyTo),
            answer -> new CreditAccepted(answer.balance()));
      }
      if (!settled) askSettle(request.from());
    } else if (state instanceof Settling settling) {
      askSettle(settling.transfer().request().from());
    }
  }

  private void askSettle(String payer) {
    askWallet(payer, Wallet.Settled.class, replyTo -> new Wallet.Settle(transferId, replyTo),
        answer -> new SettleAccepted(answer.balance()));
  }

  private <R> void askWallet(String walletId, Class<R> replyClass,
                             akka.japi.function.Function<ActorRef<R>, Wallet.Command> command,
                             Function<R, StepAnswer> toAnswer) {
    long askedStep = step;
    context.ask(replyClass, wallets.get(walletId), settings.stepTimeout(), command,
        (reply, failure) -> reply != null ? toAnswer.apply(reply) : new StepUnanswered(askedStep, String.valueOf(failure)));
  }

  private void passivate() {
    shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::resume)
        .build();
  }

  private void resume(State recovered) {
    if (recovered instanceof InFlight) {
      context.getLog().info("Transfer {} resumes at {}", transferId, recovered.getClass().getSimpleName());
      beginStep(recovered);
    } else if (recovered instanceof Finished) {
      passivate(); // woken by a lookup or by UnfinishedTransfers: answer, then leave again
    }
  }

  // Built once: advance() applies it to learn the next step before the event is written.
  private EventHandler<State, Event> eventHandler;

  @Override
  public EventHandler<State, Event> eventHandler() {
    if (eventHandler == null) eventHandler = buildEventHandler();
    return eventHandler;
  }

  private EventHandler<State, Event> buildEventHandler() {
    var builder = newEventHandlerBuilder();
    builder.forStateType(Empty.class)
        .onEvent(TransferRequested.class, (empty, requested) ->
            new Debiting(new Details(requested.transferId(), requested.request(), requested.at())));
    builder.forStateType(Debiting.class)
        .onEvent(FundsDebited.class, (debiting, debited) -> new Crediting(debiting.transfer()))
        .onEvent(TransferRejected.class, (debiting, rejected) ->
            new Rejected(debiting.transfer(), rejected.reason(), rejected.at()));
    builder.forStateType(Crediting.class)
        .onEvent(TransferCompleted.class, (crediting, completed) -> new Completed(crediting.transfer(), completed.at()))
        .onEvent(RecipientCredited.class, (crediting, credited) -> new Settling(crediting.transfer()));
    builder.forStateType(Settling.class)
        .onEvent(DebitSettled.class, (settling, settled) -> new Completed(settling.transfer(), settled.at()));
    return builder.build();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(TAG);
  }

  // A transfer never snapshots: skip asking the snapshot store on every start (one query less).
  @Override
  public Recovery recovery() {
    return Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.none());
  }
}
