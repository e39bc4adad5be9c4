package chatterbox.transfer;

import chatterbox.platform.runtime.Failures;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.RecipientRef;
import akka.actor.typed.Scheduler;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import chatterbox.platform.cluster.RetryingAsk;
import chatterbox.wallet.Wallet;
import chatterbox.wallet.Wallets;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Moving money and looking at it, for the HTTP routes and the chat gateway. It checks only what
 * the money core itself needs (a well-formed transfer id); the caller checks the PIN, that the
 * accounts exist, and that the caller may see the transfer.
 *
 * <p>Failures: {@link IllegalArgumentException} for a malformed transfer id, {@link TransferIdInUse}
 * when the id already names a different transfer, {@link NoSuchTransfer} for an id nobody started,
 * {@link Busy} when this node already has as many transfers under way as it may, and Akka's ask
 * timeout when the entities do not answer at all.
 */
public final class TransferService {

  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(3);

  /** chatterbox.money.max-transfers-in-flight's default: about this machine's peak (docs/performance.md). */
  public static final int DEFAULT_MAX_IN_FLIGHT = 500;

  private final Function<String, RecipientRef<Transfer.Command>> transfers;
  private final Wallets wallets;
  private final Scheduler scheduler;
  private final Duration outcomeTimeout;
  private final Duration queryTimeout;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile Consumer<TransferStatus> onFinished = status -> { };

  /**
   * @param outcomeTimeout how long {@link #start} waits for the transfer to finish before it
   *                       answers the transfer's current, unfinished status instead
   * @param queryTimeout   how long a status or balance lookup may take
   * @param maxInFlight    how many {@link #start} calls may wait at once on this node; more are
   *                       refused with {@link Busy}
   */
  public TransferService(Function<String, RecipientRef<Transfer.Command>> transfers, Wallets wallets,
                         Scheduler scheduler, Duration outcomeTimeout, Duration queryTimeout, int maxInFlight) {
    if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
    this.transfers = transfers;
    this.wallets = wallets;
    this.scheduler = scheduler;
    this.outcomeTimeout = outcomeTimeout;
    this.queryTimeout = queryTimeout;
    this.maxInFlight = maxInFlight;
  }

  /** The service over the sharded entities; {@link Transfer#init} and {@link Wallet#init} must have run. */
  public static TransferService sharded(ActorSystem<?> system, Duration outcomeTimeout, int maxInFlight) {
    var sharding = ClusterSharding.get(system);
    return new TransferService(transferId -> sharding.entityRefFor(Transfer.ENTITY_TYPE_KEY, transferId),
        Wallets.sharded(system), system.scheduler(), outcomeTimeout, DEFAULT_QUERY_TIMEOUT, maxInFlight);
  }

  /**
   * Starts the transfer (or finds it started) and answers its outcome, or its current status if
   * it takes longer than the outcome timeout. Repeating a call with the same id and request is
   * safe: the money moves once.
   *
   * <p>Refused with {@link Busy}, starting nothing, while {@code maxInFlight} calls wait already:
   * past its peak a node gains nothing from more transfers at once, and the journal's queue grows
   * until its circuit breaker opens and every transfer fails (the transfers benchmark at twice
   * its peak's users). A refusal is cheap, and the client may try again with the same id.
   */
  public CompletionStage<TransferStatus> start(String transferId, TransferRequest request) {
    return startForReceipt(transferId, request).thenApply(Outcome::status);
  }

  /**
   * What {@link #startForReceipt} answers.
   *
   * @param balances both wallets' balances right after the transfer, when this call saw it
   *                 complete; empty otherwise (it had completed before, it did not complete, or
   *                 the saga restarted meanwhile)
   */
  public record Outcome(TransferStatus status, Optional<Transfer.Balances> balances) {}

  /** As {@link #start}, with the wallets' balances when this call saw the transfer complete (for a receipt). */
  public CompletionStage<Outcome> startForReceipt(String transferId, TransferRequest request) {
    var idProblem = TransferIds.problem(transferId);
    if (idProblem.isPresent()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("transfer id " + idProblem.get()));
    }
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(new Busy());
    }
    // A repeated Start joins the callers waiting for the outcome: safe to send again.
    CompletionStage<Transfer.StartReply> reply = RetryingAsk.ask(transfers.apply(transferId),
        replyTo -> new Transfer.Start(request, replyTo), outcomeTimeout, scheduler);
    return reply
        .exceptionallyCompose(failure -> isTimeout(failure)
            ? status(transferId).thenApply(Transfer.StartReply.class::cast)
            : CompletableFuture.failedFuture(failure))
        .thenCompose(TransferService::outcome)
        .whenComplete((outcome, failure) -> {
          inFlight.decrementAndGet();
          if (outcome != null && outcome.status().finished()) onFinished.accept(outcome.status());
        });
  }

  private static CompletionStage<Outcome> outcome(Transfer.StartReply answer) {
    if (answer instanceof Transfer.Mismatch mismatch) return CompletableFuture.failedFuture(new TransferIdInUse(mismatch.message()));
    if (answer instanceof Transfer.Receipt receipt) {
      return CompletableFuture.completedFuture(new Outcome(receipt.status(), Optional.of(receipt.balances())));
    }
    return CompletableFuture.completedFuture(new Outcome((TransferStatus) answer, Optional.empty()));
  }

  /** True while {@link #start} would refuse with {@link Busy}: lets callers skip work before it (a PIN check). */
  public boolean busy() {
    return inFlight.get() >= maxInFlight;
  }

  /** Told of each answer of {@link #start} that is a final outcome (for metrics). */
  public void onFinished(Consumer<TransferStatus> listener) {
    this.onFinished = listener;
  }

  public CompletionStage<TransferStatus> status(String transferId) {
    // A malformed id can name no transfer: answer without waking an entity for it.
    if (TransferIds.problem(transferId).isPresent()) return CompletableFuture.failedFuture(new NoSuchTransfer(transferId));
    CompletionStage<Transfer.GetReply> reply =
        RetryingAsk.ask(transfers.apply(transferId), Transfer.Get::new, queryTimeout, scheduler);
    return reply.thenCompose(answer -> answer instanceof TransferStatus status
        ? CompletableFuture.completedFuture(status)
        : CompletableFuture.failedFuture(new NoSuchTransfer(transferId)));
  }

  public CompletionStage<Wallet.Balance> balance(String walletId) {
    return RetryingAsk.ask(wallets.get(walletId), Wallet.GetBalance::new, queryTimeout, scheduler);
  }

  private static boolean isTimeout(Throwable failure) {
    return Failures.cause(failure) instanceof TimeoutException;
  }

  /** The transfer id already names a different transfer (HTTP 409). */
  public static final class TransferIdInUse extends RuntimeException {
    public TransferIdInUse(String message) {
      super(message);
    }
  }

  /** This node has as many transfers under way as it may; nothing was started (HTTP 503, gateway "busy"). */
  public static final class Busy extends RuntimeException {
    public Busy() {
      super("too many transfers under way on this server: nothing was sent; try again in a moment");
    }
  }

  /** No transfer has this id (HTTP 404). */
  public static final class NoSuchTransfer extends RuntimeException {
    public NoSuchTransfer(String transferId) {
      super("no transfer " + transferId);
    }
  }
}
