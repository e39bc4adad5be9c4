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
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      last = value.get();
    }
    return last;
  }
}
