package chatterbox.platform.runtime;

import java.util.concurrent.CompletionException;

/** Reading the failure of a completion stage. */
public final class Failures {

  private Failures() {}

  /** The failure itself: a stage composed from another wraps that one's failure in a {@link CompletionException}. */
  public static Throwable cause(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }
}
