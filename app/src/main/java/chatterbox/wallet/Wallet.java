package chatterbox.wallet;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventHandlerBuilder;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import chatterbox.platform.cluster.IdlePassivation;
import chatterbox.platform.serialization.JsonSerializable;
import com.typesafe.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The money of one user (entity id: the username) or of the treasury ({@link #TREASURY_ID}).
 * Transfers move money between wallets in two steps, each keyed by the transfer's id: {@link Debit}
 * takes the amount out of the payer's balance for good, {@link Credit} adds it to the payee's
 * balance. A credit is never refused, so once the debit is done the transfer can only complete,
 * and the money needs no hold at the payer while the credit is under way (the books count it in
 * flight, with its transfer).
 *
 * <p>Journals written before 6 December 2026 put a debit's money on hold ({@link FundsHeld}) until
 * {@link Settle} let it go or {@link Refund} gave it back, and so does a wallet set to hold debits
 * for a rolling update ({@link Settings#holdDebits}). Such holds are recovered, and both commands
 * act on them; on anything else they move nothing.
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>A user's balance never goes below zero: a debit larger than the balance is refused with
 *       {@link InsufficientFunds} and changes nothing. Only the treasury may go negative: deposits
 *       are transfers from it and withdrawals transfers to it, so the balances of all wallets,
 *       the treasury's included, add up to zero less the money debited and not yet credited.</li>
 *   <li>A transfer id is either debited or credited here, never both: the window below holds the
 *       ids of both kinds of step. {@link chatterbox.transfer.TransferRequest} refuses a transfer
 *       from a wallet to itself.</li>
 *   <li>Each step happens at most once per transfer, however often it is delivered: a repeated
 *       step is answered as the first one was and writes nothing: every step is recognised by the
 *       window of recently finished transfer ids (a held debit by its hold). A refused debit is
 *       journaled ({@link DebitRefused}) and stays refused: a copy of it delivered late, after
 *       money came in, must not debit a transfer that has already been rejected (BankTest found
 *       such a stranded hold after a failover).</li>
 *   <li>Money on hold is neither spendable nor lost: it leaves only by settling or returns only
 *       by refunding, once.</li>
 *   <li>No answer rests on a view of the journal that another incarnation of this wallet has
 *       moved past (two can overlap for a moment after a partition or a pause). An answer that
 *       moves money is a write, and the journal's key on (persistence id, sequence number) lets
 *       only one incarnation write each number. The answers given without a write state facts
 *       that stay true once true (debited, credited, refused, finished), except "nothing on hold
 *       for a transfer never seen", which is written first ({@link NothingHeld}).</li>
 *   <li>Every command is answered, unless the journal refuses the write: then the wallet stops,
 *       and the sender's retry reaches a new incarnation.</li>
 * </ul>
 *
 * <p>The window holds the last {@code finishedWindow} finished transfers (default
 * {@value Settings#DEFAULT_FINISHED_WINDOW}); older ones are forgotten, oldest first. This assumes a
 * redelivered step reaches the wallet before that many other transfers have finished on it: the
 * transfer saga only repeats the step it is waiting for, so only a copy delayed that long (far
 * longer than any retry) could be applied twice.
 */
public final class Wallet extends EventSourcedBehaviorWithEnforcedReplies<Wallet.Command, Wallet.Event, Wallet.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Wallet");

  /** The system's own wallet, the source of deposits and the sink of withdrawals; not a username. */
  public static final String TREASURY_ID = "@treasury";

  /** Every wallet event carries this tag, for the ledger and history projections. */
  public static final String TAG = "wallet";

  /** Runs the wallets sharded; a wallet that has had no command for {@code idleTimeout} leaves memory. */
  public static void init(ActorSystem<?> system, Settings settings, Duration idleTimeout) {
    var events = eventHandler(settings.finishedWindow());
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, ctx -> new Wallet(ctx.getEntityId(), settings, events))
        .withSettings(IdlePassivation.after(system, idleTimeout)));
  }

  public static Behavior<Command> create(String walletId, Settings settings) {
    return new Wallet(walletId, settings, eventHandler(settings.finishedWindow()));
  }

  /** A wallet with the default snapshot interval and a window of {@code finishedWindow} ids. */
  public static Behavior<Command> create(String walletId, int finishedWindow) {
    return create(walletId, new Settings(finishedWindow, Settings.DEFAULT_SNAPSHOT_EVERY));
  }

  /**
   * @param finishedWindow how many finished transfer ids each wallet remembers
   * @param snapshotEvery  events between two snapshots: a trade between bytes written and events
   *                       replayed on waking. A snapshot carries the whole window (384 KB when
   *                       full), so one every 100 events wrote about ten times the bytes of the
   *                       events themselves (and PostgreSQL vacuumed the old ones away again); every
   *                       300, three times. Replaying is the price: a wallet that woke with 299
   *                       events after its snapshot took 43 ms at p99 against 36 with 99, 45-50
   *                       with 499 and 62 with 999 (docs/performance.md, Change 29); issue 6 asks
   *                       for 50.
   * @param holdDebits     debit into a hold ({@link FundsHeld}), as versions before 6 December 2026
   *                       did, rather than for good ({@link FundsDebited}): only while a rolling
   *                       update from such a version runs, for they cannot read {@link FundsDebited}
   *                       (docs/deployment.md)
   */
  public record Settings(int finishedWindow, int snapshotEvery, boolean holdDebits) {
    public static final int DEFAULT_FINISHED_WINDOW = 10_000;
    public static final int DEFAULT_SNAPSHOT_EVERY = 300;

    public Settings {
      if (finishedWindow < 1) throw new IllegalArgumentException("finishedWindow must be at least 1: " + finishedWindow);
      if (snapshotEvery < 1) throw new IllegalArgumentException("snapshotEvery must be at least 1: " + snapshotEvery);
    }

    /** Debits without a hold. */
    public Settings(int finishedWindow, int snapshotEvery) {
      this(finishedWindow, snapshotEvery, false);
    }

    /** From the app's {@code chatterbox.money} section. */
    public static Settings fromConfig(Config money) {
      return new Settings(money.getInt("wallet-dedup-window"), money.getInt("wallet-snapshot-every"),
          money.getBoolean("wallet-debits-hold"));
    }
  }

  // ---- commands -------------------------------------------------------------------------------

  public sealed interface Command extends JsonSerializable {}

  /** Takes {@code amount} out of the balance for the outgoing transfer {@code transferId}. */
  public record Debit(String transferId, long amount, ActorRef<DebitReply> replyTo) implements Command {
    public Debit {
      requireStep(transferId, amount);
    }
  }

  /** Adds {@code amount} to the balance for the incoming transfer {@code transferId}. Never refused. */
  public record Credit(String transferId, long amount, ActorRef<Credited> replyTo) implements Command {
    public Credit {
      requireStep(transferId, amount);
    }
  }

  /**
   * The transfer went through: money a held debit ({@link FundsHeld}) put on hold for it leaves
   * for good. After a debit without a hold, nothing to do.
   */
  public record Settle(String transferId, ActorRef<Settled> replyTo) implements Command {
    public Settle {
      Objects.requireNonNull(transferId, "transferId");
    }
  }

  /** The transfer was called off: money a held debit put on hold for it returns to the balance. */
  public record Refund(String transferId, ActorRef<Refunded> replyTo) implements Command {
    public Refund {
      Objects.requireNonNull(transferId, "transferId");
    }
  }

  public record GetBalance(ActorRef<Balance> replyTo) implements Command {}

  private static void requireStep(String transferId, long amount) {
    Objects.requireNonNull(transferId, "transferId");
    if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
  }

  // ---- replies --------------------------------------------------------------------------------

  public sealed interface DebitReply extends JsonSerializable {}

  /**
   * The amount is debited for the transfer (now, or already before).
   *
   * @param balance as in {@link Credited}
   * @param settled the money has left for good: the transfer need not {@link Settle}. False only
   *                for a held debit ({@link FundsHeld}: an older journal's, or one made for a
   *                rolling update), and in the answer of an older version's wallet, which leaves
   *                the field out: such a transfer settles as before
   */
  public record Debited(String transferId, long balance, boolean settled) implements DebitReply {}

  /** Nothing was debited: {@code balance} is what could have been. */
  public record InsufficientFunds(String transferId, long balance) implements DebitReply {}

  /**
   * The amount is in the balance (now, or already before). {@code balance}: the wallet's balance as
   * it answers, so that a receipt needs no second look (a repeat answers the balance of its time).
   */
  public record Credited(String transferId, long balance) implements JsonSerializable {}

  /** No money of the transfer is on hold any more (settled now, before, or never held); {@code balance} as in {@link Credited}. */
  public record Settled(String transferId, long balance) implements JsonSerializable {}

  /** No money of the transfer is on hold any more (refunded now, before, or never held). */
  public record Refunded(String transferId) implements JsonSerializable {}

  /**
   * @param balance spendable minor units (negative only for the treasury)
   * @param held    minor units on hold for outgoing transfers still under way
   */
  public record Balance(long balance, long held) implements JsonSerializable {}

  // ---- events ---------------------------------------------------------------------------------

  /** What happened to one wallet's money, in minor units; {@code walletId} saves projections a lookup. */
  public sealed interface Event extends JsonSerializable {
    String walletId();

    String transferId();

    long amount();
  }

  /** Balance down by {@code amount} for good: the money is on its way to the payee. */
  public record FundsDebited(String walletId, String transferId, long amount) implements Event {}

  /** Balance down by {@code amount}, held up by {@code amount}: how journals before 6 December 2026 debited. */
  public record FundsHeld(String walletId, String transferId, long amount) implements Event {}

  /** A debit of {@code amount} refused for want of funds: nothing moved, and a repeat is refused too. */
  public record DebitRefused(String walletId, String transferId, long amount) implements Event {}

  /** Balance up by {@code amount}. */
  public record FundsCredited(String walletId, String transferId, long amount) implements Event {}

  /** Held down by {@code amount}: the money has left the wallet. */
  public record HoldSettled(String walletId, String transferId, long amount) implements Event {}

  /** Held down and balance up by {@code amount}: the money is back. */
  public record HoldRefunded(String walletId, String transferId, long amount) implements Event {}

  /**
   * A settle or refund found nothing on hold for a transfer this wallet has no record of: nothing
   * moved. Journaled only so that the answer is backed by a write (see {@link Wallet#onSettle}).
   */
  public record NothingHeld(String walletId, String transferId) implements Event {
    @Override
    public long amount() {
      return 0;
    }
  }

  // ---- state ----------------------------------------------------------------------------------

  /**
   * @param balance  spendable minor units
   * @param holds    transfer id to the minor units a held debit ({@link FundsHeld}) holds for it,
   *                 not yet settled or refunded
   * @param finished the transfers this wallet finished its step of most recently (debited,
   *                 credited, settled, refunded)
   * @param refused  the transfers whose debit this wallet refused most recently
   */
  public record State(long balance, Map<String, Long> holds, FinishedTransfers finished, FinishedTransfers refused)
      implements JsonSerializable {

    public static final State EMPTY = new State(0, Map.of(), FinishedTransfers.NONE, FinishedTransfers.NONE);

    public State {
      holds = Map.copyOf(holds);
      if (refused == null) refused = FinishedTransfers.NONE; // snapshots taken before refusals were kept
    }

    public long held() {
      return holds.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Exact arithmetic: an overflow throws before the event is written, rather than wrapping. */
    State hold(String transferId, long amount) {
      var newHolds = new HashMap<>(holds);
      newHolds.put(transferId, amount);
      return new State(Math.subtractExact(balance, amount), newHolds, finished, refused);
    }

    State debit(String transferId, long amount, int window) {
      return new State(Math.subtractExact(balance, amount), holds, finished.add(transferId, window), refused);
    }

    State refuse(String transferId, int window) {
      return new State(balance, holds, finished, refused.add(transferId, window));
    }

    State credit(String transferId, long amount, int window) {
      return new State(Math.addExact(balance, amount), holds, finished.add(transferId, window), refused);
    }

    State settle(String transferId, int window) {
      return withoutHold(transferId, balance, window);
    }

    State refund(String transferId, int window) {
      return withoutHold(transferId, Math.addExact(balance, holds.get(transferId)), window);
    }

    private State withoutHold(String transferId, long newBalance, int window) {
      var newHolds = new HashMap<>(holds);
      newHolds.remove(transferId);
      return new State(newBalance, newHolds, finished.add(transferId, window), refused);
    }
  }

  // ---- behaviour ------------------------------------------------------------------------------

  private static final Logger log = LoggerFactory.getLogger(Wallet.class);

  private final String walletId;
  private final boolean mayGoNegative;
  private final int snapshotEvery;
  private final boolean holdDebits;
  private final EventHandler<State, Event> events;

  private Wallet(String walletId, Settings settings, EventHandler<State, Event> events) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), walletId));
    this.walletId = walletId;
    this.mayGoNegative = TREASURY_ID.equals(walletId);
    this.events = events;
    this.snapshotEvery = settings.snapshotEvery();
    this.holdDebits = settings.holdDebits();
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  // One state type: every command is handled the same way in any state.
  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Debit.class, this::onDebit)
        .onCommand(Credit.class, this::onCredit)
        .onCommand(Settle.class, this::onSettle)
        .onCommand(Refund.class, this::onRefund)
        .onCommand(GetBalance.class, (state, get) -> Effect().reply(get.replyTo(), new Balance(state.balance(), state.held())))
        .build();
  }

  private ReplyEffect<Event, State> onDebit(State state, Debit debit) {
    var transferId = debit.transferId();
    var refused = new InsufficientFunds(transferId, state.balance());
    if (state.holds().containsKey(transferId)) {
      return Effect().reply(debit.replyTo(), new Debited(transferId, state.balance(), false));
    }
    if (state.finished().contains(transferId)) {
      return Effect().reply(debit.replyTo(), new Debited(transferId, state.balance(), true));
    }
    if (state.refused().contains(transferId)) return Effect().reply(debit.replyTo(), refused);
    if (!mayGoNegative && state.balance() < debit.amount()) {
      return Effect()
          .persist(new DebitRefused(walletId, transferId, debit.amount()))
          .thenReply(debit.replyTo(), newState -> refused);
    }
    Event debited = holdDebits
        ? new FundsHeld(walletId, transferId, debit.amount())
        : new FundsDebited(walletId, transferId, debit.amount());
    return Effect()
        .persist(debited)
        .thenReply(debit.replyTo(), newState -> new Debited(transferId, newState.balance(), !holdDebits));
  }

  private ReplyEffect<Event, State> onCredit(State state, Credit credit) {
    if (state.finished().contains(credit.transferId())) {
      return Effect().reply(credit.replyTo(), new Credited(credit.transferId(), state.balance()));
    }
    return Effect()
        .persist(new FundsCredited(walletId, credit.transferId(), credit.amount()))
        .thenReply(credit.replyTo(), newState -> new Credited(credit.transferId(), newState.balance()));
  }

  private ReplyEffect<Event, State> onSettle(State state, Settle settle) {
    var settled = new Settled(settle.transferId(), state.balance()); // a settle leaves the balance as it is
    Long held = state.holds().get(settle.transferId());
    if (held != null) {
      return Effect()
          .persist(new HoldSettled(walletId, settle.transferId(), held))
          .thenReply(settle.replyTo(), newState -> settled);
    }
    return answerNothingHeld(state, settle.transferId(), settle.replyTo(), settled);
  }

  private ReplyEffect<Event, State> onRefund(State state, Refund refund) {
    var refunded = new Refunded(refund.transferId());
    Long held = state.holds().get(refund.transferId());
    if (held != null) {
      return Effect()
          .persist(new HoldRefunded(walletId, refund.transferId(), held))
          .thenReply(refund.replyTo(), newState -> refunded);
    }
    return answerNothingHeld(state, refund.transferId(), refund.replyTo(), refunded);
  }

  /**
   * Answers a settle or refund that finds no hold. If the wallet finished the transfer, that is
   * for good, and the answer needs no write. If it has no record of the transfer at all, the
   * answer could come from a stale incarnation: after a partition or a pause, this wallet may have
   * recovered on a survivor while its old incarnation, not yet stopped, still wrote a hold (a
   * margin narrows that window, nothing closes it). Absence is the one thing a stale state gets
   * wrong, so it is answered only after {@link NothingHeld} is written: the journal's key on
   * (persistence id, sequence number) refuses that write if another incarnation wrote in between,
   * and the wallet stops unanswered, to recover with the hold and settle it on the saga's retry.
   * BankTest found a completed transfer whose hold stayed open this way.
   */
  private <R> ReplyEffect<Event, State> answerNothingHeld(State state, String transferId, ActorRef<R> replyTo, R answer) {
    if (state.finished().contains(transferId)) return Effect().reply(replyTo, answer);
    // Rare (a transfer forgotten from the window, or this incarnation stale): worth a line in the log.
    log.info("Wallet {} has no record of transfer {}: journaling that before answering", walletId, transferId);
    return Effect().persist(new NothingHeld(walletId, transferId)).thenReply(replyTo, newState -> answer);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return events;
  }

  /**
   * The event handler, built once per node and shared by its wallets: it reads nothing of a wallet
   * but the node's window, and built per wallet (Akka's builder keeps a case and its predicates for
   * each event) it was part of every awake one (docs/performance.md, Change 44). The command
   * handler stays per wallet, for the events it writes carry the wallet's id.
   */
  static EventHandler<State, Event> eventHandler(int finishedWindow) {
    return new EventHandlerBuilder<State, Event>()
        .forAnyState()
        .onEvent(FundsDebited.class, (state, debited) -> state.debit(debited.transferId(), debited.amount(), finishedWindow))
        .onEvent(FundsHeld.class, (state, held) -> state.hold(held.transferId(), held.amount()))
        .onEvent(DebitRefused.class, (state, refused) -> state.refuse(refused.transferId(), finishedWindow))
        .onEvent(FundsCredited.class, (state, credited) -> state.credit(credited.transferId(), credited.amount(), finishedWindow))
        .onEvent(HoldSettled.class, (state, settled) -> state.settle(settled.transferId(), finishedWindow))
        .onEvent(HoldRefunded.class, (state, refunded) -> state.refund(refunded.transferId(), finishedWindow))
        .onEvent(NothingHeld.class, (state, nothing) -> state)
        .build();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(TAG);
  }

  // The state carries the window of finished ids, so waking replays the events after the latest
  // snapshot only; how often to take one is a trade between bytes written and events replayed (Settings).
  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2);
  }
}
