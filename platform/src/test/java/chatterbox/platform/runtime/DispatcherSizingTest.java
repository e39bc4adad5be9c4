package chatterbox.platform.runtime;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Both services' actor systems (the platform's service defaults) run actors, Akka's own included,
 * on one pool of one thread per core, at least two: the pool's real parallelism, as read from a
 * task running on it. On a machine with fewer than 8 cores (CI's has 2) the first test fails
 * without the setting (Akka's default: 8); the second fails while Akka's internal dispatcher is a
 * pool of its own (its default).
 */
class DispatcherSizingTest {

  private static final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "dispatchers", ServiceNode.withServiceDefaults(ConfigFactory.empty()));

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static ForkJoinPool poolOf(Executor executor) throws Exception {
    return CompletableFuture.supplyAsync(() -> ((ForkJoinWorkerThread) Thread.currentThread()).getPool(), executor)
        .get(10, TimeUnit.SECONDS);
  }

  private static int coresAtLeastTwo() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  @Test
  void theDefaultDispatcherHasOneThreadPerCore() throws Exception {
    assertEquals(coresAtLeastTwo(), poolOf(system.executionContext()).getParallelism());
  }

  @Test
  void akkasInternalActorsShareThatPool() throws Exception {
    var internal = system.dispatchers().lookup(DispatcherSelector.fromConfig("akka.actor.internal-dispatcher"));
    assertSame(poolOf(system.executionContext()), poolOf(internal));
  }
}
