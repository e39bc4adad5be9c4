package chatterbox.bench;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The app's REST API as seeding (outside the measured phase) uses it: JDK client, JSON bodies. */
final class AppHttp {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** The operator credential of a development configuration (bench/run.sh does not set one). */
  static final String OPERATOR_TOKEN = System.getProperty("bench.operatorToken", "dev-only-operator-token");

  private AppHttp() {}

  /** POST without credentials, retried while the node answers 503 (still starting, shard not yet allocated). */
  static HttpResponse<String> post(String path, String body) throws Exception {
    return post(path, body, null);
  }

  /** POST with {@code Authorization: Bearer <bearer>} (when not null), retried on 503 like {@link #post(String, String)}. */
  static HttpResponse<String> post(String path, String body, String bearer) throws Exception {
    HttpResponse<String> response = null;
    for (int attempt = 0; attempt < 30; attempt++) {
      var request = HttpRequest.newBuilder(URI.create(Bench.BASE_URL + path)).timeout(Duration.ofSeconds(60))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
      if (bearer != null) request.header("Authorization", "Bearer " + bearer);
      response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 503) return response;
      Thread.sleep(500);
    }
    return response;
  }
}
