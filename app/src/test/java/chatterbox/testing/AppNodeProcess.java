package chatterbox.testing;

import chatterbox.platform.persistence.Database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One app node as its own JVM (chatterbox.ChatterBoxMain on this test classpath), joined to the
 * others by Cluster Bootstrap with config discovery: the real multi-node setup, on one machine.
 * Nodes live either on loopback (each on its own ports) or each on its own address in a network
 * namespace (same ports, a launcher such as {@code ip netns exec}). A node can be killed (SIGKILL),
 * stopped gracefully (SIGTERM), paused (SIGSTOP) and resumed, and restarted on the same address
 * and database.
 */
public final class AppNodeProcess implements AutoCloseable {

  /** Where a node runs: its address, its ports and the command that puts it there. */
  public record Placement(String name, String host, List<String> launcher, int httpPort, int remotingPort,
                          int managementPort) {

    /** A node on loopback, on free ports. */
    public static Placement loopback(String name) {
      return new Placement(name, "127.0.0.1", List.of(), freePort(), freePort(), freePort());
    }
  }

  public final String name;
  public final String host;
  public final int httpPort;
  public final int remotingPort;
  public final int managementPort;
  private final JvmProcess process;

  private AppNodeProcess(Placement placement, Database database, String kycUrl, Path overlay, Path log) {
    this.name = placement.name();
    this.host = placement.host();
    this.httpPort = placement.httpPort();
    this.remotingPort = placement.remotingPort();
    this.managementPort = placement.managementPort();
    var properties = new LinkedHashMap<String, String>();
    properties.put("chatterbox.node.log", log.toAbsolutePath().toString());
    properties.put("chatterbox.db.url", database.url());
    properties.put("chatterbox.db.user", database.user());
    properties.put("chatterbox.db.password", database.password());
    properties.put("chatterbox.db.schema", database.schema());
    properties.put("chatterbox.db.pool-size", "6");
    properties.put("chatterbox.http.host", host);
    properties.put("chatterbox.http.port", Integer.toString(httpPort));
    properties.put("chatterbox.kyc.url", kycUrl);
    properties.put("chatterbox.cluster.join-self", "off");
    properties.put("chatterbox.cluster.bootstrap", "on");
    properties.put("chatterbox.gateway.heartbeat-interval", "1s");
    // The tests' clients heartbeat every 400-500 ms so that presence and failover show quickly: 120
    // to 150 frames a minute from heartbeats alone, at or over the product's limit of 120 frames a
    // minute per connection (heartbeats count, as at Discord). A connection that outlived ~45 s
    // was closed with 4008 (RATE_LIMITED) and heard nothing more: ClusterTest's rare "no
    // after-everything at node0 on node1" failures (docs/performance.md, fourteenth session).
    properties.put("chatterbox.gateway.rate-limit.frames", "100000");
    properties.put("akka.remote.artery.canonical.hostname", host);
    properties.put("akka.remote.artery.canonical.port", Integer.toString(remotingPort));
    properties.put("akka.management.http.hostname", host);
    properties.put("akka.management.http.port", Integer.toString(managementPort));
    properties.put("akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr", "2");
    properties.put("akka.management.cluster.bootstrap.contact-point-discovery.stable-margin", "2s");
    // Loopback nodes differ by management port; keep every discovered contact point.
    properties.put("akka.management.cluster.bootstrap.contact-point.filter-on-fallback-port", "false");
    properties.put("akka.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    this.process = new JvmProcess(placement.launcher(), "256m", properties, "chatterbox.ChatterBoxMain",
        Map.of("CHATTERBOX_CONFIG_FILE", overlay.toAbsolutePath().toString()), log);
  }

  /** {@code count} nodes on loopback sharing one discovery list; none started yet. */
  public static List<AppNodeProcess> cluster(int count, Database database, int kycPort) {
    var placements = new ArrayList<Placement>();
    for (int i = 1; i <= count; i++) placements.add(Placement.loopback("node" + i));
    return cluster(placements, database, "http://127.0.0.1:" + kycPort, Path.of("target", "cluster-test"));
  }

  /** One node per placement, sharing one discovery list, logging into {@code dir}; none started yet. */
  public static List<AppNodeProcess> cluster(List<Placement> placements, Database database, String kycUrl, Path dir) {
    try {
      Files.createDirectories(dir);
      var overlay = dir.resolve("discovery.conf");
      var endpoints = new StringBuilder();
      for (var placement : placements) {
        endpoints.append("{host = \"").append(placement.host()).append("\", port = ")
            .append(placement.managementPort()).append("},");
      }
      Files.writeString(overlay, "akka.discovery.config.services.chatterbox-app.endpoints = [" + endpoints + "]\n");
      var nodes = new ArrayList<AppNodeProcess>();
      for (var placement : placements) {
        nodes.add(new AppNodeProcess(placement, database, kycUrl, overlay, dir.resolve(placement.name() + ".log")));
      }
      return nodes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void start() {
    process.start();
  }

  /** SIGKILL: the process ends at once, without leaving the cluster. */
  public void kill() {
    process.kill();
  }

  /** SIGTERM: coordinated shutdown, the node leaves the cluster and hands its shards off. */
  public void terminate() {
    process.terminate();
  }

  /** SIGSTOP: the node freezes, as in a stop-the-world pause; the others stop hearing from it. */
  public void pause() {
    process.pause();
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() {
    process.resume();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return process.log();
  }

  /** A REST client of this node that gives up on a request after {@code timeout}. */
  public ApiClient api(Duration timeout) {
    return new ApiClient(host, httpPort, timeout);
  }

  public ApiClient api() {
    return new ApiClient(host, httpPort, Duration.ofSeconds(30));
  }

  /** Connects to this node's gateway and IDENTIFYs, heartbeating every {@code beat}. */
  public GatewayClient gateway(String token, Duration beat) {
    return GatewayClient.identified(host, httpPort, token, beat);
  }

  public String managementUrl(String path) {
    return "http://" + host + ":" + managementPort + path;
  }

  @Override
  public void close() {
    process.close();
  }

  private static final int PORTS_FROM = 20_000;
  private static final int PORTS = 12_000; // up to 32,000: below Linux's ephemeral range (32,768 up)
  private static final java.util.concurrent.atomic.AtomicInteger nextPort =
      new java.util.concurrent.atomic.AtomicInteger(new java.util.Random().nextInt(PORTS));

  /**
   * A free port below the kernel's ephemeral range. A port found by binding port 0 comes from
   * that range, where any outgoing connection (to PostgreSQL, between nodes) may take it before
   * the node binds it: ClusterTest once failed with "Address already in use" so. Each port is
   * handed out once per test JVM.
   */
  public static int freePort() {
    for (int tries = 0; tries < PORTS; tries++) {
      int port = PORTS_FROM + Math.floorMod(nextPort.getAndIncrement(), PORTS);
      try (var socket = new ServerSocket(port)) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // in use: try the next one
      }
    }
    throw new UncheckedIOException(new IOException("no free port in " + PORTS_FROM + "-" + (PORTS_FROM + PORTS)));
  }
}
