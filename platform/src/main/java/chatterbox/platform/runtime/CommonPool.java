package chatterbox.platform.runtime;

import java.util.concurrent.ForkJoinPool;

/**
 * Gives the JVM's common fork-join pool at least two threads, which a service's {@code main}
 * must do before anything else.
 *
 * <p>Why: the JDK runs {@code CompletableFuture}'s async stages on the common pool only when that
 * pool has two threads or more; below that it starts a new thread for every stage
 * ({@code ThreadPerTaskExecutor}). The common pool gets one thread fewer than the processors, so
 * on a 2-CPU machine or pod it has one, and every async stage costs a thread start. Akka's Java
 * API hands out Scala's {@code CompletableFuture} wrapper, which turns every {@code thenApply},
 * {@code thenCompose} and {@code whenComplete} into its async form (so that a caller's code never
 * runs on the thread completing the future): on 2 CPUs each ask's continuation started a thread.
 * A JFR profile of the transfers benchmark found them. An explicit
 * {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism} is left as it is.
 */
public final class CommonPool {

  static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
  static final int MINIMUM = 2;

  private CommonPool() {}

  /** Sets the common pool's parallelism to two unless set or larger already; effective only before the pool's first use. */
  public static void atLeastTwoThreads() {
    if (System.getProperty(PARALLELISM) == null && Runtime.getRuntime().availableProcessors() - 1 < MINIMUM) {
      System.setProperty(PARALLELISM, Integer.toString(MINIMUM));
    }
  }

  /** True when async stages run on the common pool rather than on a thread each. */
  public static boolean sharesThreads() {
    return ForkJoinPool.getCommonPoolParallelism() >= MINIMUM;
  }
}
