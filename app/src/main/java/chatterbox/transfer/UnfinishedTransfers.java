package chatterbox.transfer;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import com.typesafe.config.Config;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Wakes the transfers that the books show unfinished and untouched for a while, so that a transfer
 * whose node stopped in the middle of its saga finishes without anyone asking again.
 *
 * <p>One per cluster (a cluster singleton). Every {@code every} it asks the books (the
 * {@code transfer_history} read model) for transfers neither completed nor rejected whose last step
 * is older than {@code idleFor}, and sends each a {@link Transfer.Get}: a transfer that is not
 * running starts, and its recovery resumes the step its last event leads to; one that is running
 * just answers. The wake-up moves no money, so waking a transfer twice, or one that finished a
 * moment ago, is harmless.
 *
 * <p>Why not remember-entities: it journals every new transfer's id before the transfer runs (one
 * more commit in every payment's path), and after a node is lost the coordinator restarts each of
 * its remembered shards with a cluster-wide state write, one after another: BankTest saw payments
 * wait a minute and more behind that. The books know the unfinished transfers anyway; the price is
 * a slower automatic resume (the projection's lag plus {@code idleFor} plus up to {@code every}),
 * and a client that asks again with the same transfer id resumes it at once.
 */
public final class UnfinishedTransfers {

  /**
   * @param every   how often to look
   * @param idleFor how long a transfer must have made no step to be woken (a running saga is left alone)
   * @param batch   the most transfers woken per look; the rest wait for the next one
   */
  public record Settings(Duration every, Duration idleFor, int batch) {
    public static Settings fromConfig(Config config) {
      return new Settings(config.getDuration("every"), config.getDuration("idle-for"), config.getInt("batch"));
    }
  }

  /** The ids of up to {@code limit} unfinished transfers without a step for {@code idleFor}. */
  @FunctionalInterface
  public interface Books {
    CompletionStage<List<String>> idleUnfinished(Duration idleFor, int limit);
  }

  public sealed interface Command {}

  private enum Look implements Command { INSTANCE }

  private record Found(List<String> transferIds) implements Command {}

  private record LookFailed(Throwable cause) implements Command {}

  /** Starts the singleton that wakes the sharded transfers; once per node, like any singleton. */
  public static void start(ActorSystem<?> system, Books books, Settings settings) {
    var sharding = ClusterSharding.get(system);
    Consumer<String> wake = transferId ->
        sharding.entityRefFor(Transfer.ENTITY_TYPE_KEY, transferId).tell(new Transfer.Get(system.ignoreRef()));
    ClusterSingleton.get(system).init(SingletonActor.of(
        Behaviors.supervise(create(books, wake, settings)).onFailure(SupervisorStrategy.restart()),
        "unfinished-transfers"));
  }

  public static Behavior<Command> create(Books books, Consumer<String> wake, Settings settings) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      context.setLoggerName(UnfinishedTransfers.class);
      timers.startTimerWithFixedDelay(Look.INSTANCE, settings.every());
      return new UnfinishedTransfers(books, wake, settings, context).waiting();
    }));
  }

  private final Books books;
  private final Consumer<String> wake;
  private final Settings settings;
  private final ActorContext<Command> context;

  private UnfinishedTransfers(Books books, Consumer<String> wake, Settings settings, ActorContext<Command> context) {
    this.books = books;
    this.wake = wake;
    this.settings = settings;
    this.context = context;
  }

  private Behavior<Command> waiting() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Look.INSTANCE, this::look)
        .build();
  }

  private Behavior<Command> look() {
    context.pipeToSelf(books.idleUnfinished(settings.idleFor(), settings.batch()),
        (ids, failure) -> failure == null ? new Found(ids) : new LookFailed(failure));
    return looking();
  }

  /** One look at a time: a slow database must not pile queries up. */
  private Behavior<Command> looking() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Look.INSTANCE, Behaviors::same)
        .onMessage(Found.class, found -> {
          if (!found.transferIds().isEmpty()) {
            context.getLog().info("Waking {} unfinished transfer(s) idle for over {}", found.transferIds().size(),
                settings.idleFor());
          }
          found.transferIds().forEach(wake);
          return waiting();
        })
        .onMessage(LookFailed.class, failed -> {
          context.getLog().warn("Could not read the unfinished transfers; trying again in {}: {}", settings.every(),
              failed.cause().toString());
          return waiting();
        })
        .build();
  }
}
