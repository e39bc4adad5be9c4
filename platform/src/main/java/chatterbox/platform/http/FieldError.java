package chatterbox.platform.http;

/** One reason a request was refused, tied to the request field it is about. */
public record FieldError(String field, String message) {}
