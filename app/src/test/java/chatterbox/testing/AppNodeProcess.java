package chatterbox.testing;

import chatterbox.platform.persistence.Database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One app node as its own JVM (java -cp <this test classpath> chatterbox.ChatterBoxMain), joined to
 * the others by Cluster Bootstrap with config discovery on loopback ports: the real multi-node
 * setup, on one machine. It can be killed (SIGKILL), stopped gracefully (SIGTERM) and restarted on
 * the same ports and database.
 */
public final class AppNodeProcess implements AutoCloseable {

  public final String name;
  public final int httpPort;
  public final int remotingPort;
  public final int managementPort;
  private final Path overlay;
  private final Path log;
  private final Database database;
  private final int kycPort;
  private Process process;

  private AppNodeProcess(String name, Database database, int kycPort, Path overlay, Path log) {
    this.name = name;
    this.database = database;
    this.kycPort = kycPort;
    this.overlay = overlay;
    this.log = log;
    this.httpPort = freePort();
    this.remotingPort = freePort();
    this.managementPort = freePort();
  }

  /** Three (or {@code count}) nodes sharing one discovery list; none started yet. */
  public static List<AppNodeProcess> cluster(int count, Database database, int kycPort) {
    try {
      var dir = Files.createDirectories(Path.of("target", "cluster-test"));
      var overlay = dir.resolve("discovery.conf");
      var nodes = new ArrayList<AppNodeProcess>();
      for (int i = 1; i <= count; i++) {
        nodes.add(new AppNodeProcess("node" + i, database, kycPort, overlay, dir.resolve("node" + i + ".log")));
      }
      var endpoints = new StringBuilder();
      for (var node : nodes) {
        endpoints.append("{host = \"127.0.0.1\", port = ").append(node.managementPort).append("},");
      }
      Files.writeString(overlay, "akka.discovery.config.services.chatterbox-app.endpoints = ["
          + endpoints + "]\n");
      return nodes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void start() {
    var command = List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m",
        "-cp", System.getProperty("java.class.path"),
        "-Dlogback.configurationFile=" + Path.of("target", "test-classes", "logback-node.xml").toAbsolutePath(),
        "-Dchatterbox.node.log=" + log.toAbsolutePath(),
        "-Dchatterbox.db.url=" + database.url(),
        "-Dchatterbox.db.user=" + database.user(),
        "-Dchatterbox.db.password=" + database.password(),
        "-Dchatterbox.db.schema=" + database.schema(),
        "-Dchatterbox.db.pool-size=6",
        "-Dchatterbox.http.host=127.0.0.1",
        "-Dchatterbox.http.port=" + httpPort,
        "-Dchatterbox.kyc.url=http://127.0.0.1:" + kycPort,
        "-Dchatterbox.cluster.join-self=off",
        "-Dchatterbox.cluster.bootstrap=on",
        "-Dchatterbox.gateway.heartbeat-interval=1s",
        "-Dakka.remote.artery.canonical.hostname=127.0.0.1",
        "-Dakka.remote.artery.canonical.port=" + remotingPort,
        "-Dakka.management.http.hostname=127.0.0.1",
        "-Dakka.management.http.port=" + managementPort,
        "-Dakka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr=2",
        "-Dakka.management.cluster.bootstrap.contact-point-discovery.stable-margin=2s",
        // Loopback nodes differ by management port; keep every discovered contact point.
        "-Dakka.management.cluster.bootstrap.contact-point.filter-on-fallback-port=false",
        "-Dakka.cluster.jmx.multi-mbeans-in-same-jvm=on",
        "chatterbox.ChatterBoxMain");
    var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("CHATTERBOX_CONFIG_FILE", overlay.toAbsolutePath().toString());
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL: the process ends at once, without leaving the cluster. */
  public void kill() {
    process.destroyForcibly();
    waitFor();
  }

  /** SIGTERM: coordinated shutdown, the node leaves the cluster and hands its shards off. */
  public void terminate() {
    process.destroy();
    waitFor();
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  public Path log() {
    return log;
  }

  private void waitFor() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (isAlive()) kill();
  }

  private static int freePort() {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
