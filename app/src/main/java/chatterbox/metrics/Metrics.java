package chatterbox.metrics;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.sharding.typed.GetShardRegionState;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.cluster.sharding.ShardRegion;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The figures an operator watches on one node, in Prometheus form: connected sockets and sessions,
 * messages and transfers (rates come from the counters), how long persisting takes, and how many
 * shards and entities of each type this node holds. One registry per node (tests run several nodes
 * in one JVM), served by {@link MetricsRoutes}.
 */
public final class Metrics {

  private final PrometheusRegistry registry = new PrometheusRegistry();

  public final Gauge connections = Gauge.builder().name("chatterbox_gateway_connections")
      .help("Open gateway WebSocket connections on this node").register(registry);
  public final Counter upgrades = Counter.builder().name("chatterbox_gateway_upgrades_total")
      .help("Gateway WebSocket handshakes accepted on this node, by path: direct (the connection runs the gateway's"
          + " stream alone) or http (upgraded by Akka HTTP, on a connection that began with another request)")
      .labelNames("path").register(registry);
  public final Counter dispatches = Counter.builder().name("chatterbox_gateway_dispatches_total")
      .help("Events dispatched to gateway sessions").register(registry);
  public final Counter messages = Counter.builder().name("chatterbox_messages_total")
      .help("Chat messages persisted through this node").register(registry);
  public final Counter transfers = Counter.builder().name("chatterbox_transfers_total")
      .help("Transfer requests answered with a final outcome on this node, by outcome")
      .labelNames("outcome").register(registry);
  public final Histogram persistLatency = Histogram.builder().name("chatterbox_persist_latency_seconds")
      .help("Time from a request to its persisted answer, by operation").labelNames("operation")
      .classicUpperBounds(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
      .register(registry);
  private final Gauge shards = Gauge.builder().name("chatterbox_shards")
      .help("Shards of each entity type on this node").labelNames("type").register(registry);
  private final Gauge entities = Gauge.builder().name("chatterbox_entities")
      .help("Live entities of each type on this node").labelNames("type").register(registry);

  private Metrics() {}

  /** The node's metrics, with JVM figures and a poll of the shard regions every {@code shardPoll}. */
  public static Metrics start(ActorSystem<?> system, List<EntityTypeKey<?>> entityTypes, Duration shardPoll) {
    var metrics = new Metrics();
    JvmMetrics.builder().register(metrics.registry);
    system.scheduler().scheduleWithFixedDelay(shardPoll, shardPoll,
        () -> entityTypes.forEach(type -> metrics.pollShards(system, type)), system.executionContext());
    return metrics;
  }

  private void pollShards(ActorSystem<?> system, EntityTypeKey<?> type) {
    AskPattern.<akka.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
            ClusterSharding.get(system).shardState(), replyTo -> new GetShardRegionState(type, replyTo),
            Duration.ofSeconds(3), system.scheduler())
        .thenAccept(state -> {
          shards.labelValues(type.name()).set(state.getShards().size());
          entities.labelValues(type.name()).set(state.getShards().stream().mapToInt(s -> s.getEntityIds().size()).sum());
        });
  }

  /** A gauge read when scraped. */
  public void gauge(String name, String help, java.util.function.DoubleSupplier value) {
    GaugeWithCallback.builder().name(name).help(help).callback(callback -> callback.call(value.getAsDouble()))
        .register(registry);
  }

  /** Seconds since {@code startNanos} (a {@link System#nanoTime()} reading). */
  public static double secondsSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** The Prometheus text format of every metric. */
  public String scrape() {
    try (var out = new ByteArrayOutputStream()) {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
