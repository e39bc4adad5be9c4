package chatterbox.platform.runtime;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import chatterbox.platform.http.HttpListener;
import chatterbox.platform.http.Takeover;
import akka.http.javadsl.server.Route;
import chatterbox.platform.cluster.SelfJoin;
import chatterbox.platform.config.Secrets;
import chatterbox.platform.persistence.Database;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * How both services start: check the secrets, migrate the database, start the actor system on it,
 * join the cluster, and serve HTTP. Each service passes its own configuration root
 * ({@code chatterbox} or {@code kyc}), which holds {@code env}, {@code db}, {@code secrets},
 * {@code http} and {@code cluster.join-self}.
 */
public final class ServiceNode {

  private static final Logger log = LoggerFactory.getLogger(ServiceNode.class);

  private ServiceNode() {}

  /**
   * A service's configuration, highest precedence first: JVM system properties, {@code overrides}
   * (tests), the HOCON overlay file named by the environment variable {@code overlayVariable}
   * (for example {@code conf/production.conf}), the service's bundled {@code <resource>.conf} with
   * its environment overrides, the settings both services change from Akka's defaults
   * ({@value #SERVICE_DEFAULTS}), and the libraries' reference configuration. Resolved together, so
   * settings derived by substitution (such as Artery's bind port) follow the overrides.
   */
  public static Config loadConfig(String resource, String overlayVariable, Map<String, ?> overrides) {
    var overlayPath = System.getenv(overlayVariable);
    var overlay = ConfigFactory.empty();
    if (overlayPath != null && !overlayPath.isBlank()) {
      var file = new File(overlayPath);
      if (!file.isFile()) throw new IllegalStateException(overlayVariable + " names no readable file: " + overlayPath);
      overlay = ConfigFactory.parseFile(file);
    }
    var application = ConfigFactory.parseMap(overrides)
        .withFallback(overlay)
        .withFallback(ConfigFactory.parseResourcesAnySyntax(resource));
    return withServiceDefaults(application);
  }

  /** Where both services' changes to Akka's defaults are (not reference.conf: see the file why). */
  public static final String SERVICE_DEFAULTS = "chatterbox-service-defaults.conf";

  /**
   * {@code application} over {@link #SERVICE_DEFAULTS} over the reference configuration, with
   * system properties on top, resolved: what a service runs on (tests that start systems of their
   * own use it to run on the same settings).
   */
  public static Config withServiceDefaults(Config application) {
    // ConfigFactory.load puts JVM system properties on top and the reference configuration below.
    return ConfigFactory.load(application.withFallback(ConfigFactory.parseResources(SERVICE_DEFAULTS)));
  }

  /** The checked, migrated database of the service under {@code root}. */
  public static Database prepareDatabase(Config config, String root, String migrations) {
    var settings = config.getConfig(root);
    boolean production = "production".equals(settings.getString("env"));
    Secrets.checkForProduction(settings.getConfig("secrets"), root + ".secrets", production);
    var database = Database.fromConfig(settings.getConfig("db"));
    if (production && database.dialect() != Database.Dialect.POSTGRES) {
      throw new IllegalStateException("Refusing to start in production on the embedded store: set the database URL");
    }
    database.migrate(migrations);
    return database;
  }

  /** Starts the actor system named {@code name} journaling to {@code database}. */
  public static <T> ActorSystem<T> startSystem(Behavior<T> guardian, String name, Config config, String root, Database database) {
    if (!CommonPool.sharesThreads()) {
      log.warn("The common fork-join pool has one thread, so every async stage starts a thread of its own:"
          + " call CommonPool.atLeastTwoThreads() first in main, or set -D{}=2", CommonPool.PARALLELISM);
    }
    var system = ActorSystem.create(guardian, name, database.overlay(config));
    SelfJoin.joinIfConfigured(system, root + ".cluster");
    return system;
  }

  /**
   * Serves {@code route} on {@code root.http.host}:{@code root.http.port}, letting {@code takeover}
   * claim connections by their first request (see {@link HttpListener}); unbinds on shutdown.
   */
  /** How long a stop waits for HTTP requests under way: just inside Akka's phase for it, which ends the wait otherwise. */
  static Duration requestsDoneWithin(Config config) {
    return config.getDuration("akka.coordinated-shutdown.phases.service-requests-done.timeout").minusMillis(250);
  }

  public static CompletionStage<HttpListener> serve(ActorSystem<?> system, String root, Route route, Takeover takeover) {
    var http = system.settings().config().getConfig(root + ".http");
    return HttpListener.bind(system, http.getString("host"), http.getInt("port"), route, takeover,
            requestsDoneWithin(system.settings().config()))
        .thenApply(listener -> {
          log.info("{} serving HTTP on {}", system.name(), listener.localAddress());
          return listener;
        });
  }

  /** Blocks the calling (main) thread until the binding is up, or exits when it cannot be. */
  public static <T> T awaitOrExit(CompletionStage<T> stage, ActorSystem<?> system, Function<Throwable, String> describe) {
    try {
      return stage.toCompletableFuture().get();
    } catch (Exception e) {
      log.error("Startup failed: {}", describe.apply(e));
      system.terminate();
      System.exit(1);
      return null;
    }
  }
}
