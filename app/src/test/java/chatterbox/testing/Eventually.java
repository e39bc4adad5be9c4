package chatterbox.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a read model to catch up: polls until the value satisfies the check or time runs out. */
public final class Eventually {

  private Eventually() {}

  public static <T> T await(Duration limit, Supplier<T> value, java.util.function.Predicate<T> done) {
    var deadline = System.nanoTime() + limit.toNanos();
    T last = value.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) throw new AssertionError("not reached within " + limit + "; last value: " + last);
      pause(Duration.ofMillis(100));
      last = value.get();
    }
    return last;
  }

  /** Test-thread pause (never inside the product): between polls, retries and workload steps. */
  public static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
