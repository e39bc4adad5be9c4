package chatterbox.platform.http;

import java.util.List;

/** The body of every error response: {@code {"errors":[{"field","message"}]}}. */
public record ErrorBody(List<FieldError> errors) {

  public static ErrorBody of(String field, String message) {
    return new ErrorBody(List.of(new FieldError(field, message)));
  }
}
