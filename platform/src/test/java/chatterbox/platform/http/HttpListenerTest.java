package chatterbox.platform.http;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.stream.javadsl.Flow;
import akka.util.ByteString;
import chatterbox.platform.runtime.ServiceNode;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static chatterbox.platform.testing.RawHttp.connect;
import static chatterbox.platform.testing.RawHttp.read;
import static chatterbox.platform.testing.RawHttp.readResponse;
import static chatterbox.platform.testing.RawHttp.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The listener over real sockets: HTTP as Akka HTTP serves it, connections a takeover claims on
 * their first bytes, the first request's time and size limits, and a graceful stop.
 */
class HttpListenerTest {

  /** A toy protocol: a connection that starts with "SHOUT\n" is answered "OK\n", then every byte upper-cased. */
  private static final ByteString SHOUT = ByteString.fromString("SHOUT\n");
  private static final Takeover SHOUTING = received -> {
    int common = Math.min(received.size(), SHOUT.size());
    if (received.take(SHOUT.size()).equals(SHOUT)) {
      return new Takeover.TakeOver(ByteString.fromString("OK\n"), SHOUT.size(),
          Flow.<ByteString>create().map(bytes -> ByteString.fromString(bytes.utf8String().toUpperCase())));
    }
    if (received.take(common).equals(SHOUT.take(common)) || received.head() == 'X') {
      return Takeover.NeedMore.INSTANCE; // "X..." never decides: the size limit hands it to HTTP
    }
    return Takeover.Http.INSTANCE;
  };

  private static ActorSystem<Void> system;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    system = system("http-listener");
    port = bind(system, routes()).localAddress().getPort();
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static ActorSystem<Void> system(String name) {
    return ActorSystem.create(Behaviors.empty(), name, ConfigFactory.parseString(
        "akka.http.server.idle-timeout = 1s\nakka.http.server.max-connections = 2\nakka.actor.provider = local").withFallback(ServiceNode.withServiceDefaults(ConfigFactory.empty())));
  }

  private static HttpListener bind(ActorSystem<?> system, Route route) throws Exception {
    return HttpListener.bind(system, "127.0.0.1", 0, route, SHOUTING, Duration.ofSeconds(5))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Route routes() {
    var d = new AllDirectives() {};
    return d.concat(
        d.path("hello", () -> d.complete("hello")),
        d.path("echo", () -> d.post(() -> d.entity(akka.http.javadsl.unmarshalling.Unmarshaller.entityToString(), d::complete))));
  }

  @Test
  void httpIsServedAsBeforeWithKeepAliveAndPipelining() throws Exception {
    try (var socket = connect(port)) {
      write(socket, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nping");
      var first = readResponse(socket.getInputStream());
      var second = readResponse(socket.getInputStream());
      assertTrue(first.startsWith("HTTP/1.1 200 OK") && first.endsWith("hello"), first);
      assertTrue(second.startsWith("HTTP/1.1 200 OK") && second.endsWith("ping"), second);
      write(socket, "GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n");
      assertTrue(readResponse(socket.getInputStream()).startsWith("HTTP/1.1 404"), "the same connection serves on");
    }
  }

  @Test
  void aClaimedConnectionRunsItsProtocolFedWithWhatFollowedTheRequest() throws Exception {
    try (var socket = connect(port)) {
      write(socket, "SHO");
      Thread.sleep(100); // the first request arrives in two reads
      write(socket, "UT\nfirst");
      assertEquals("OK\nFIRST", read(socket.getInputStream(), 8));
      write(socket, "then more");
      assertEquals("THEN MORE", read(socket.getInputStream(), 9));
    }
  }

  @Test
  void claimedConnectionsDoNotCountAgainstMaxConnectionsWhichLimitsHttp() throws Exception {
    try (var one = connect(port); var two = connect(port); var three = connect(port); var http = connect(port)) {
      for (var claimed : new Socket[] {one, two, three}) {
        write(claimed, "SHOUT\nhi");
        assertEquals("OK\nHI", read(claimed.getInputStream(), 5), "max-connections is 2 in this test");
      }
      write(http, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      assertTrue(readResponse(http.getInputStream()).endsWith("hello"));
    }
  }

  @Test
  void aFirstRequestThatNeverDecidesIsGivenToHttpPastTheSizeLimit() throws Exception {
    try (var socket = connect(port)) {
      write(socket, "X".repeat(20_000) + " / HTTP/1.1\r\nHost: x\r\n\r\n");
      var response = readResponse(socket.getInputStream());
      assertTrue(response.startsWith("HTTP/1.1 4"), "Akka HTTP refuses it by its own limits: " + response);
    }
  }

  @Test
  void aConnectionThatNeverFinishesItsFirstRequestIsClosedAfterTheIdleTimeout() throws Exception {
    try (var socket = connect(port)) {
      write(socket, "SHO");
      socket.setSoTimeout(10_000);
      assertEquals(-1, socket.getInputStream().read(), "closed by the server (idle-timeout 1 s)");
    }
  }

  /** Larger than the sockets' buffers on both ends: most of it is still to be written when the stop closes the connection. */
  private static final int LARGE_BODY = 32 * 1024 * 1024;

  @Test
  void aStopLetsRequestsUnderWayFinishThenClosesEveryConnectionAndThePort() throws Exception {
    var stopping = system("http-listener-stop");
    var arrived = new CompletableFuture<Void>();
    var answer = new CompletableFuture<String>();
    var d = new AllDirectives() {};
    int stoppingPort = bind(stopping, d.path("slow", () -> {
      arrived.complete(null);
      return d.onSuccess(answer, d::complete);
    })).localAddress().getPort();
    try (var claimed = connect(stoppingPort); var http = connect(stoppingPort)) {
      write(claimed, SHOUT.utf8String());
      assertEquals("OK\n", read(claimed.getInputStream(), 3));
      write(http, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
      arrived.get(10, TimeUnit.SECONDS);
      var terminated = stopping.getWhenTerminated();
      stopping.terminate();
      awaitRefused(stoppingPort);
      assertTrue(http.getInputStream().available() == 0 && !terminated.toCompletableFuture().isDone(),
          "the stop waits for the request under way");
      answer.complete("x".repeat(LARGE_BODY - 4) + "done");
      // The client reads late: until then the response waits in the server's socket, and the stop,
      // which closes the connection as soon as the route has answered, must not cut it.
      Thread.sleep(500);
      var response = readResponse(http.getInputStream());
      assertTrue(response.startsWith("HTTP/1.1 200") && response.endsWith("done"), "a response of " + response.length() + " chars");
      assertTrue(response.contains("x".repeat(1000)) && response.length() > LARGE_BODY, "the whole body: " + response.length());
      assertClosed(http);
      assertClosed(claimed);
      terminated.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** The server closed {@code socket} cleanly (an end of stream, not a reset); fails if it is still open after 10 s. */
  private static void assertClosed(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    assertEquals(-1, socket.getInputStream().read(), "closed at the end of the stop");
  }

  /** Waits until the port refuses connections (the stop unbinds it first); fails after 10 s. */
  private static void awaitRefused(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        connect(port).close();
      } catch (IOException refused) {
        assertTrue(refused instanceof ConnectException, refused.toString());
        return;
      }
      if (System.nanoTime() > deadline) throw new AssertionError("port " + port + " still accepts connections");
      Thread.sleep(20);
    }
  }
}
