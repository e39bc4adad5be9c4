package chatterbox.platform.http;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.server.AllDirectives;
import chatterbox.platform.runtime.ServiceNode;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A request that outlives Akka HTTP's server request-timeout (on the services' listener) still gets the API's JSON 503. */
class JsonRoutesTimeoutTest {

  private static ActorSystem<Void> system;
  private static HttpListener binding;

  @BeforeAll
  static void start() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "json-routes-timeout", ConfigFactory.parseString(
        "akka.http.server.request-timeout = 300ms\nakka.actor.provider = local").withFallback(ServiceNode.withServiceDefaults(ConfigFactory.empty())));
    var d = new AllDirectives() {};
    var neverAnswers = d.path("slow", () -> d.onSuccess(new CompletableFuture<String>(), d::complete));
    binding = HttpListener.bind(system, "127.0.0.1", 0, JsonRoutes.withJsonErrors(neverAnswers), Takeover.NONE,
        Duration.ofSeconds(1)).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void aRequestThatTakesTooLongIsAJson503WithRetryAfter() throws Exception {
    var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + "/slow")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(503, response.statusCode());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    assertEquals("2", response.headers().firstValue("Retry-After").orElse(""));
    var body = Json.MAPPER.readTree(response.body());
    assertEquals("server", body.path("errors").get(0).path("field").asText(), response.body());
    assertTrue(body.path("errors").get(0).path("message").asText().startsWith("temporarily unavailable"), response.body());
  }
}
