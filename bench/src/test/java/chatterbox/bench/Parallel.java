package chatterbox.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs seeding work on {@code bench.seedThreads} threads (8): the app serves them concurrently. */
final class Parallel {
  private static final int THREADS = Integer.getInteger("bench.seedThreads", 8);

  private Parallel() {}

  /** Each input mapped by {@code work}, in the inputs' order; the first failure fails it all. */
  static <I, O> List<O> map(List<I> inputs, Work<I, O> work) {
    var pool = Executors.newFixedThreadPool(THREADS);
    try {
      var futures = new ArrayList<Future<O>>();
      for (var input : inputs) futures.add(pool.submit((Callable<O>) () -> work.apply(input)));
      var out = new ArrayList<O>();
      for (var f : futures) out.add(f.get(120, TimeUnit.SECONDS));
      return out;
    } catch (Exception e) {
      throw new IllegalStateException("seeding failed: " + e, e);
    } finally {
      pool.shutdownNow();
    }
  }

  interface Work<I, O> {
    O apply(I input) throws Exception;
  }
}
