package chatterbox.platform.http;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RetryAfter;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.MalformedRequestContentRejection;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import akka.http.javadsl.server.MethodRejection;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.JsonMappingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Base of every JSON route class: typed request bodies, JSON answers, bearer tokens, and one
 * error shape ({@link ErrorBody}) for every refusal, including the ones Akka HTTP makes itself.
 */
public abstract class JsonRoutes extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(JsonRoutes.class);
  private static final String TEMPORARILY_UNAVAILABLE = "temporarily unavailable; retry (requests with an id are applied once)";

  /** Reads the body as {@code type}; a body that is not JSON of that shape is a 400 naming the field. */
  protected <T> Route jsonBody(Class<T> type, Function<T, Route> inner) {
    return entity(Json.unmarshaller(type), inner);
  }

  protected Route json(StatusCode status, Object body) {
    return complete(status, body, Json.marshaller());
  }

  protected Route error(StatusCode status, String field, String message) {
    return json(status, ErrorBody.of(field, message));
  }

  protected Route invalid(List<FieldError> errors) {
    return json(StatusCodes.BAD_REQUEST, new ErrorBody(errors));
  }

  /** The token of an {@code Authorization: Bearer <token>} header, if there is one. */
  protected Route bearerToken(Function<Optional<String>, Route> inner) {
    return optionalHeaderValueByName("Authorization", header -> inner.apply(
        header.filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).trim())));
  }

  /** Wraps the whole API so that every refusal and failure answers in {@link ErrorBody} form. */
  public static Route withJsonErrors(Route api) {
    var directives = new AllDirectives() {};
    return directives.withRequestTimeoutResponse(request -> SERVER_TIMEOUT,
        () -> directives.handleExceptions(exceptionHandler(directives),
            () -> directives.handleRejections(rejectionHandler(directives), () -> api)));
  }

  /**
   * Akka HTTP's own answer when a request outlives {@code akka.http.server.request-timeout} (an
   * overloaded node): the same JSON 503 as an entity that did not answer, instead of plain text.
   */
  private static final HttpResponse SERVER_TIMEOUT = HttpResponse.create()
      .withStatus(StatusCodes.SERVICE_UNAVAILABLE)
      .addHeader(RetryAfter.create(2L))
      .withEntity(ContentTypes.APPLICATION_JSON, Json.MAPPER.valueToTree(ErrorBody.of("server", TEMPORARILY_UNAVAILABLE)).toString());

  private static RejectionHandler rejectionHandler(AllDirectives d) {
    return RejectionHandler.newBuilder()
        .handle(MalformedRequestContentRejection.class, r -> d.complete(StatusCodes.BAD_REQUEST,
            describeMalformedBody(r.getCause()), Json.marshaller()))
        .handle(UnsupportedRequestContentTypeRejection.class, r -> d.complete(StatusCodes.UNSUPPORTED_MEDIA_TYPE,
            ErrorBody.of("body", "send the body as application/json"), Json.marshaller()))
        .handleAll(MethodRejection.class, rs -> d.complete(StatusCodes.METHOD_NOT_ALLOWED,
            ErrorBody.of("method", "allowed: " + rs.stream().map(r -> r.supported().name())
                .distinct().collect(Collectors.joining(", "))), Json.marshaller()))
        .handleNotFound(d.complete(StatusCodes.NOT_FOUND, ErrorBody.of("path", "no such resource"), Json.marshaller()))
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(response -> response.entity().getContentType().mediaType().toString().equals("application/json")
            ? response
            : response.withEntity(akka.http.javadsl.model.ContentTypes.APPLICATION_JSON,
                Json.MAPPER.valueToTree(ErrorBody.of("request", response.status().reason())).toString()));
  }

  private static boolean isTimeout(Throwable e) {
    for (var cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof java.util.concurrent.TimeoutException) return true;
    }
    return false;
  }

  /** Names the field whose value had the wrong type, without echoing the value back. */
  static ErrorBody describeMalformedBody(Throwable failure) {
    // akka-http-jackson wraps Jackson's exception in an IllegalArgumentException.
    var cause = failure;
    while (!(cause instanceof JsonMappingException) && cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    if (cause instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      var field = mapping.getPath().stream()
          .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
          .collect(Collectors.joining("."));
      var expected = mapping instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
          ? mismatch.getTargetType().getSimpleName().toLowerCase()
          : "another type";
      if (mapping instanceof InvalidFormatException || mapping instanceof MismatchedInputException) {
        return ErrorBody.of(field, "must be a JSON " + jsonTypeName(expected));
      }
      return ErrorBody.of(field, "has an invalid value");
    }
    return ErrorBody.of("body", "must be a JSON object");
  }

  private static String jsonTypeName(String javaType) {
    return switch (javaType) {
      case "string" -> "string";
      case "long", "int", "integer" -> "integer";
      case "boolean" -> "boolean";
      default -> "value of the documented type";
    };
  }

  private static ExceptionHandler exceptionHandler(AllDirectives d) {
    return ExceptionHandler.newBuilder()
        .matchAny(e -> {
          if (isTimeout(e)) {
            // An entity did not answer in time (a node is failing over, say): a retry will do.
            log.warn("Request timed out: {}", e.toString());
            return d.respondWithHeaders(List.of(RetryAfter.create(2L)), () -> d.complete(StatusCodes.SERVICE_UNAVAILABLE,
                ErrorBody.of("server", TEMPORARILY_UNAVAILABLE),
                Json.marshaller()));
          }
          log.error("Unhandled error while serving a request", e);
          return d.complete(StatusCodes.INTERNAL_SERVER_ERROR,
              ErrorBody.of("server", "internal error"), Json.marshaller());
        })
        .build();
  }
}
