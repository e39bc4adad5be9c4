package chatterbox.testing;

import chatterbox.platform.http.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A real HTTP client for a running node: JSON in, status and JSON out. */
public final class ApiClient {

  /** A response: its status, its body parsed as JSON (null when empty), and its headers. */
  public record Reply(int status, JsonNode body, HttpResponse<String> raw) {

    public String text(String field) {
      return body.path(field).asText();
    }

    /** The messages of the error body, field to message. */
    public Map<String, String> errors() {
      var errors = new java.util.TreeMap<String, String>();
      body.path("errors").forEach(e -> errors.put(e.path("field").asText(), e.path("message").asText()));
      return errors;
    }

    @Override
    public String toString() {
      return status + " " + raw.body();
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final Duration timeout;

  public ApiClient(int port) {
    this("127.0.0.1", port, Duration.ofSeconds(30));
  }

  /** A client of the node at {@code host:port} that gives up on a request after {@code timeout}. */
  public ApiClient(String host, int port, Duration timeout) {
    this.base = "http://" + host + ":" + port;
    this.timeout = timeout;
  }

  public Reply get(String path, String token) {
    return send(request(path, token).GET());
  }

  public Reply post(String path, Object body, String token) {
    return join(postAsync(path, body, token));
  }

  public Reply delete(String path, String token) {
    return send(request(path, token).DELETE());
  }

  public CompletableFuture<Reply> postAsync(String path, Object body, String token) {
    var json = body instanceof String s ? s : Json.MAPPER.valueToTree(body).toString();
    var builder = request(path, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    return http.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofString()).thenApply(ApiClient::reply);
  }

  private HttpRequest.Builder request(String path, String token) {
    var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
    if (token != null) builder.header("Authorization", "Bearer " + token);
    return builder;
  }

  private Reply send(HttpRequest.Builder builder) {
    try {
      return reply(http.send(builder.build(), HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Reply join(CompletableFuture<Reply> reply) {
    return reply.join();
  }

  private static Reply reply(HttpResponse<String> response) {
    try {
      var body = response.body().isEmpty() ? null : Json.MAPPER.readTree(response.body());
      return new Reply(response.statusCode(), body, response);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + response.body(), e);
    }
  }
}
