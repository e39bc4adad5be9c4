package chatterbox.platform.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Collects every invalid field of a request, so the caller hears of all of them at once. */
public final class Validation {

  private final List<FieldError> errors = new ArrayList<>();

  /** Records {@code message} against {@code field} when the check failed. */
  public Validation require(boolean ok, String field, String message) {
    if (!ok) errors.add(new FieldError(field, message));
    return this;
  }

  /** Records a validator's verdict: empty means valid. */
  public Validation check(String field, Optional<String> problem) {
    problem.ifPresent(message -> errors.add(new FieldError(field, message)));
    return this;
  }

  public boolean isValid() {
    return errors.isEmpty();
  }

  public List<FieldError> errors() {
    return List.copyOf(errors);
  }
}
