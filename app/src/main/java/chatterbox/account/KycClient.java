package chatterbox.account;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.HttpCredentials;
import akka.pattern.Patterns;
import chatterbox.platform.http.Json;
import com.typesafe.config.Config;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The app's only door to personal data: it hands a person's name and national ID to the KYC
 * service and keeps nothing of them. Transient failures (connection refused, 5xx, timeouts) are
 * retried with backoff; a definite answer (stored, conflict, erased) is not.
 */
public final class KycClient {

  public enum StoreResult { STORED, CONFLICT, ERASED }

  /** The KYC service could not be reached or kept failing: the caller should report "try again". */
  public static final class KycUnavailable extends RuntimeException {
    KycUnavailable(String message) {
      super(message);
    }
  }

  private final ActorSystem<?> system;
  private final String baseUrl;
  private final HttpCredentials credentials;
  private final Duration requestTimeout;
  private final int attempts;

  public KycClient(ActorSystem<?> system, String baseUrl, String serviceToken, Duration requestTimeout, int attempts) {
    this.system = system;
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.credentials = HttpCredentials.createOAuth2BearerToken(serviceToken);
    this.requestTimeout = requestTimeout;
    this.attempts = attempts;
  }

  public static KycClient fromConfig(ActorSystem<?> system, Config chatterbox) {
    return new KycClient(system,
        chatterbox.getString("kyc.url"),
        chatterbox.getString("secrets.kyc-token"),
        chatterbox.getDuration("kyc.request-timeout"),
        chatterbox.getInt("kyc.attempts"));
  }

  /** Stores the person's data under {@code subjectId}; idempotent for the same data. */
  public CompletionStage<StoreResult> store(String subjectId, String fullName, String nationalId) {
    var body = Json.MAPPER.valueToTree(Map.of("fullName", fullName, "nationalId", nationalId)).toString();
    var request = HttpRequest.PUT(subjectUrl(subjectId)).withEntity(ContentTypes.APPLICATION_JSON, body);
    return withRetries(request, status -> switch (status) {
      case 200, 201 -> StoreResult.STORED;
      case 409 -> StoreResult.CONFLICT;
      case 410 -> StoreResult.ERASED;
      default -> null;
    });
  }

  /** Erases the person's data (crypto-shredding on the KYC side); idempotent. */
  public CompletionStage<Done> erase(String subjectId) {
    return withRetries(HttpRequest.DELETE(subjectUrl(subjectId)),
        status -> status == 204 || status == 404 || status == 410 ? Done.getInstance() : null);
  }

  private String subjectUrl(String subjectId) {
    return baseUrl + "/api/subjects/" + subjectId;
  }

  /** {@code interpret} maps a status to a definite result, or null for "transient, retry". */
  private <T> CompletionStage<T> withRetries(HttpRequest request, java.util.function.IntFunction<T> interpret) {
    var authorized = request.addCredentials(credentials);
    return Patterns.retry(
            () -> once(authorized, interpret),
            attempts,
            Duration.ofMillis(200),
            Duration.ofSeconds(2),
            0.2,
            system.classicSystem().scheduler(),
            system.executionContext())
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(
            new KycUnavailable("KYC service unavailable after " + attempts + " attempts: " + rootMessage(e))));
  }

  private <T> CompletionStage<T> once(HttpRequest request, java.util.function.IntFunction<T> interpret) {
    return Http.get(system).singleRequest(request)
        .thenCompose(response -> discard(response).thenApply(status -> {
          var result = interpret.apply(status);
          if (result == null) throw new IllegalStateException("KYC answered HTTP " + status);
          return result;
        }))
        .toCompletableFuture()
        .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private CompletionStage<Integer> discard(HttpResponse response) {
    return response.discardEntityBytes(system).completionStage().thenApply(done -> response.status().intValue());
  }

  private static String rootMessage(Throwable e) {
    while (e.getCause() != null) e = e.getCause();
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
