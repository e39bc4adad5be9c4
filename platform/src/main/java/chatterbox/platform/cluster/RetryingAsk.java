package chatterbox.platform.cluster;

import akka.actor.Cancellable;
import akka.actor.typed.ActorRef;
import akka.actor.typed.RecipientRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import akka.dispatch.ExecutionContexts;
import akka.japi.function.Function;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import scala.concurrent.ExecutionContextExecutor;

/**
 * An ask that is sent again while no answer has come, for questions an entity may get twice (reads,
 * and commands it recognises as repeats). Why: during a failover a shard region keeps routing to
 * the shard's old home until that node is removed from the cluster, and what it sends there is
 * lost. A single ask then fails at its timeout even though the shard has had a new home for
 * seconds; sent again after 1, 2, 4 ... s, the question reaches the new home within about a
 * second of it existing. Every attempt ends at the same deadline; the first answer from any
 * attempt wins (a slow answer to an early attempt is as good as a fast one to a later attempt).
 */
public final class RetryingAsk<Req, Res> {

  public static final Duration FIRST_RESEND = Duration.ofSeconds(1);

  // A resend only hands a message to the shard region: cheap enough for the scheduler's own thread.
  private static final ExecutionContextExecutor ON_SCHEDULER_THREAD = ExecutionContexts.fromExecutor(Runnable::run);

  private final RecipientRef<Req> target;
  private final Function<ActorRef<Res>, Req> message;
  private final Scheduler scheduler;
  private final long deadline;
  private final CompletableFuture<Res> answer = new CompletableFuture<>();
  private int attemptsRunning;
  private boolean lastAttemptSent;
  private Cancellable nextAttempt;

  private RetryingAsk(RecipientRef<Req> target, Function<ActorRef<Res>, Req> message, Duration timeout,
                      Scheduler scheduler) {
    this.target = target;
    this.message = message;
    this.scheduler = scheduler;
    this.deadline = System.nanoTime() + timeout.toNanos();
  }

  /** Asks {@code target}, again after 1, 2, 4 ... s while unanswered; fails with Akka's ask timeout after {@code timeout}. */
  public static <Req, Res> CompletionStage<Res> ask(RecipientRef<Req> target, Function<ActorRef<Res>, Req> message,
                                                    Duration timeout, Scheduler scheduler) {
    return ask(target, message, timeout, FIRST_RESEND, scheduler);
  }

  /** As above, with the first resend after {@code firstResend} (then doubling). */
  public static <Req, Res> CompletionStage<Res> ask(RecipientRef<Req> target, Function<ActorRef<Res>, Req> message,
                                                    Duration timeout, Duration firstResend, Scheduler scheduler) {
    var ask = new RetryingAsk<>(target, message, timeout, scheduler);
    ask.attempt(firstResend);
    return ask.answer;
  }

  private void attempt(Duration nextResend) {
    long remaining = deadline - System.nanoTime();
    boolean last = remaining <= nextResend.toNanos();
    synchronized (this) {
      if (answer.isDone()) return;
      attemptsRunning++;
      lastAttemptSent = last;
    }
    AskPattern.ask(target, message, Duration.ofNanos(Math.max(1, remaining)), scheduler)
        .whenComplete((reply, failure) -> {
          if (failure == null) {
            answer.complete(reply);
            cancelNextAttempt(); // most questions are answered at once: leave no timer behind
          } else {
            attemptFailed(failure);
          }
        });
    if (!last) {
      var scheduled = scheduler.scheduleOnce(nextResend, () -> attempt(nextResend.multipliedBy(2)), ON_SCHEDULER_THREAD);
      synchronized (this) {
        if (answer.isDone()) scheduled.cancel();
        else nextAttempt = scheduled;
      }
    }
  }

  private synchronized void cancelNextAttempt() {
    if (nextAttempt != null) nextAttempt.cancel();
  }

  private void attemptFailed(Throwable failure) {
    synchronized (this) {
      if (--attemptsRunning > 0 || !lastAttemptSent) return;
    }
    answer.completeExceptionally(failure);
  }
}
