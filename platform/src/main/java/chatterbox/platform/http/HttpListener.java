package chatterbox.platform.http;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.settings.ServerSettings;
import akka.pattern.Patterns;
import akka.stream.TLSProtocol;
import akka.stream.javadsl.BidiFlow;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.TLSPlacebo;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * An HTTP server port whose connections a {@link Takeover} may claim on their first request: what
 * {@code Http.newServerAt(..).bind(route)} does, with that one addition.
 *
 * <p>Why: Akka HTTP runs an upgraded connection (a WebSocket) on top of its whole HTTP server
 * stream (parser, renderer, timeouts, protocol switch: 27 stream stages) for as long as the socket
 * lives, although after the upgrade nothing passes through them. A connection taken over runs only
 * its own stream: about 10 KB less per socket (a gateway session, 26 -> 16 KB). Every other
 * connection, and every request the takeover does not claim, gets Akka HTTP's server stream and
 * {@code route}, as before.
 *
 * <p>Kept from Akka HTTP's binding: its settings ({@code akka.http.server}: backlog, socket options,
 * {@code max-connections} open HTTP connections (a connection taken over no longer counts, as an
 * upgraded WebSocket does not in Akka HTTP), {@code idle-timeout} for HTTP connections and for a
 * first request), and
 * a graceful stop with coordinated shutdown: the port is unbound first, HTTP requests under way get
 * up to {@code requestsDoneWithin} to be answered, then every connection left is closed, and the
 * stop waits (up to {@link #CLOSED_WITHIN}) until TCP has written out what was sent and closed
 * them: the actor system's end would otherwise reset a connection with bytes still to write.
 */
public final class HttpListener {

  /** Bytes a first request may take before HTTP gets them undecided (Akka HTTP's limits then apply). */
  private static final int MAX_UNDECIDED = 16 * 1024;

  /** How long a stop waits for the connections it closed to be closed; under Akka's 5 s phase timeout. */
  private static final Duration CLOSED_WITHIN = Duration.ofSeconds(3);

  private static final Duration POLL = Duration.ofMillis(50);

  private final InetSocketAddress localAddress;

  private HttpListener(InetSocketAddress localAddress) {
    this.localAddress = localAddress;
  }

  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /** Binds {@code host}:{@code port}; stops with the system's coordinated shutdown. */
  public static CompletionStage<HttpListener> bind(ActorSystem<?> system, String host, int port, Route route,
                                                  Takeover takeover, Duration requestsDoneWithin) {
    var settings = ServerSettings.create(system.classicSystem());
    var idleTimeout = settings.getTimeouts().idleTimeout();
    Optional<Duration> idle = idleTimeout.isFinite() ? Optional.of(Duration.ofNanos(idleTimeout.toNanos())) : Optional.empty();
    var requests = new RequestsInFlight();
    var handler = requests.counting(route.flow(system));
    Set<Runnable> open = ConcurrentHashMap.newKeySet();

    var bound = Tcp.get(system).bind(host, port, settings.getBacklog(), settings.getSocketOptions(), false, Optional.empty())
        .mapAsyncUnordered(settings.getMaxConnections(), incoming -> {
          // The switch lives as long as the connection: it keeps the remote address, not the
          // incoming connection, whose flow blueprint (about 0.8 KB) is spent once materialized.
          var remote = incoming.remoteAddress();
          var connection = Flow.fromGraph(new ConnectionSwitch(takeover, () -> http(system, settings, remote, idle, handler),
              idle.orElse(Duration.ofDays(1)), MAX_UNDECIDED, open));
          return incoming.handleWith(connection, system)
              // A connection's failure (a reset, a timeout) ends that connection, not the binding.
              .exceptionally(failure -> Done.getInstance());
        })
        .to(Sink.ignore())
        .run(system);

    return bound.thenApply(binding -> {
      var shutdown = CoordinatedShutdown.get(system);
      shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "http-listener-unbind",
          () -> binding.unbind().thenApply(unbound -> Done.getInstance()));
      shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "http-listener-requests-done",
          () -> when(system, requests::noneUnderWay, requestsDoneWithin));
      shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "http-listener-close", () -> {
        open.forEach(Runnable::run);
        return when(system, open::isEmpty, CLOSED_WITHIN);
      });
      return new HttpListener(binding.localAddress());
    });
  }

  /** Akka HTTP's server stream for one connection, over plain TCP, answering with {@code handler}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Flow<ByteString, ByteString, ?> http(ActorSystem<?> system, ServerSettings settings, InetSocketAddress remote,
                                                      Optional<Duration> idle, Flow<HttpRequest, HttpResponse, ?> handler) {
    var layer = Http.get(system).serverLayer(settings, Optional.of(remote), system.classicSystem().log());
    // TLSPlacebo's inbound side emits SessionBytes, a kind of the SslTlsInbound the layer takes:
    // Java's generics cannot say so, hence the raw type.
    BidiFlow<TLSProtocol.SslTlsOutbound, ByteString, ByteString, TLSProtocol.SslTlsInbound, ?> plain = (BidiFlow) TLSPlacebo.getInstance();
    var toBytes = layer.atop(plain);
    var withIdle = idle.map(timeout -> toBytes.atop(BidiFlow.<ByteString, ByteString>bidirectionalIdleTimeout(timeout))).orElse((BidiFlow) toBytes);
    return withIdle.reversed().join(handler);
  }

  /** The HTTP requests being answered on this port, so that a stop can wait for them. */
  private static final class RequestsInFlight {
    private final AtomicInteger count = new AtomicInteger();

    Flow<HttpRequest, HttpResponse, ?> counting(Flow<HttpRequest, HttpResponse, ?> handler) {
      return Flow.<HttpRequest>create()
          .map(request -> {
            count.incrementAndGet();
            return request;
          })
          .via(handler)
          .map(response -> {
            count.decrementAndGet();
            return response;
          });
    }

    boolean noneUnderWay() {
      return count.get() <= 0;
    }
  }

  /** Done once {@code condition} holds, checked every 50 ms, or after {@code within} at the latest. */
  private static CompletionStage<Done> when(ActorSystem<?> system, BooleanSupplier condition, Duration within) {
    if (condition.getAsBoolean() || within.isNegative() || within.isZero()) return CompletableFuture.completedFuture(Done.getInstance());
    return Patterns.after(POLL, system.classicSystem().scheduler(), system.executionContext(),
        () -> when(system, condition, within.minus(POLL)));
  }
}
