package chatterbox.platform.runtime;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Both services' actor systems (the platform's reference.conf) run actors on one thread per core,
 * at least two: the pools' real parallelism, as read from a task running on them. On a machine with
 * fewer than 8 cores (CI's has 2) this fails without the setting (Akka's defaults: 8 and 4).
 */
class DispatcherSizingTest {

  private static final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "dispatchers", ServiceNode.withServiceDefaults(ConfigFactory.empty()));

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static int parallelismOf(Executor executor) throws Exception {
    return CompletableFuture.supplyAsync(() -> ((ForkJoinWorkerThread) Thread.currentThread()).getPool().getParallelism(), executor)
        .get(10, TimeUnit.SECONDS);
  }

  private static int coresAtLeastTwo() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  @Test
  void theDefaultDispatcherHasOneThreadPerCore() throws Exception {
    assertEquals(coresAtLeastTwo(), parallelismOf(system.executionContext()));
  }

  @Test
  void theInternalDispatcherHasOneThreadPerCore() throws Exception {
    var internal = system.dispatchers().lookup(DispatcherSelector.fromConfig("akka.actor.internal-dispatcher"));
    assertEquals(coresAtLeastTwo(), parallelismOf(internal));
  }
}
