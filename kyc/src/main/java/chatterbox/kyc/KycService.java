package chatterbox.kyc;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.SelfUp;
import akka.cluster.typed.Subscribe;
import akka.cluster.typed.Unsubscribe;
import chatterbox.platform.http.HttpListener;
import chatterbox.platform.http.Takeover;
import chatterbox.platform.persistence.BlockingJdbc;
import chatterbox.platform.persistence.Database;
import chatterbox.platform.runtime.ServiceNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running KYC service: its own actor system ({@value #SYSTEM_NAME}), journal, key table and
 * HTTP API. {@link KycMain} runs one as a process; the app's integration tests run one in-process:
 *
 * <pre>{@code
 * var kyc = KycService.start(KycService.databaseConfig(TestPostgres.freshDatabase("kyc"))
 *     .withFallback(ConfigFactory.parseString("kyc.http.port = 0\nakka.remote.artery.canonical.port = 0")));
 * ... http://127.0.0.1:{kyc.httpPort()}/api/subjects/...  (token: kyc.secrets.service-token)
 * kyc.stop();
 * }</pre>
 */
public final class KycService {

  public static final String SYSTEM_NAME = "kyc";
  /** Root of this service's settings in {@code kyc.conf}. */
  public static final String ROOT = "kyc";
  /** Names an optional HOCON overlay file, e.g. conf/kyc-production.conf. */
  public static final String OVERLAY_VARIABLE = "KYC_CONFIG_FILE";
  // Dates of birth in national IDs are Tanzanian dates.
  private static final ZoneId COUNTRY_ZONE = ZoneId.of("Africa/Dar_es_Salaam");
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(KycService.class);

  private final ActorSystem<Void> system;
  private final HttpListener binding;

  private KycService(ActorSystem<Void> system, HttpListener binding) {
    this.system = system;
    this.binding = binding;
  }

  /**
   * Starts the service and returns once it serves HTTP (and, on a self-joining node, once the node
   * is Up in its cluster, so the first request does not wait for it).
   *
   * @param overrides settings laid over the service's configuration: {@code kyc.conf} with its
   *     {@code KYC_*} environment variables, under the {@code KYC_CONFIG_FILE} overlay, under JVM
   *     system properties. {@code ConfigFactory.empty()} for the configured service. Typical
   *     test overrides: {@code kyc.db.url/user/password/schema} (see {@link #databaseConfig}),
   *     {@code kyc.http.port = 0}, {@code kyc.http.host = 127.0.0.1},
   *     {@code akka.remote.artery.canonical.port = 0}, {@code kyc.secrets.service-token}.
   * @throws IllegalStateException or IllegalArgumentException when the configuration is unusable
   *     (secrets, database) or the port cannot be bound; nothing is left running then
   */
  public static KycService start(Config overrides) {
    var config = ServiceNode.loadConfig(ROOT, OVERLAY_VARIABLE, overrides.root().unwrapped());
    var settings = config.getConfig(ROOT);
    // Read the master key before touching the database: a bad key must stop the start early.
    var masterKey = MasterKey.fromSecret(settings.getString("secrets.master-key"));
    var database = ServiceNode.prepareDatabase(config, ROOT, "db/kyc");

    ActorSystem<Void> system = ServiceNode.startSystem(Behaviors.empty(), SYSTEM_NAME, config, ROOT, database);
    try {
      KycRecord.init(system);
      var vault = new SubjectVault(masterKey, new DataKeyStore(BlockingJdbc.create(system, database, "kyc-keys")));
      var registry = new SubjectRegistry(system, vault, settings.getDuration("ask-timeout"));
      var routes = new KycRoutes(registry, settings.getString("secrets.service-token"), Clock.system(COUNTRY_ZONE));

      var startupTimeout = settings.getDuration("startup-timeout");
      var binding = await(ServiceNode.serve(system, ROOT, routes.routes(), Takeover.NONE).toCompletableFuture(), startupTimeout,
          "binding HTTP on " + settings.getString("http.host") + ":" + settings.getInt("http.port"));
      if (joinsItself(config)) {
        await(selfUp(system), startupTimeout, "joining the cluster");
      }
      log.info("KYC service started on {} (HTTP port {})", database, binding.localAddress().getPort());
      return new KycService(system, binding);
    } catch (RuntimeException e) {
      system.terminate();
      awaitTermination(system);
      throw e;
    }
  }

  /** The {@code kyc.db} settings that put the service on {@code database}. */
  public static Config databaseConfig(Database database) {
    return ConfigFactory.parseMap(Map.of(
        ROOT + ".db.url", database.url(),
        ROOT + ".db.user", database.user(),
        ROOT + ".db.password", database.password(),
        ROOT + ".db.schema", database.schema(),
        ROOT + ".db.pool-size", database.poolSize()));
  }

  /** The port HTTP is bound to (the real one when {@code kyc.http.port} was 0). */
  public int httpPort() {
    return binding.localAddress().getPort();
  }

  public ActorSystem<?> system() {
    return system;
  }

  /** Shuts the service down (HTTP unbinds first) and waits until it has. */
  public void stop() {
    system.terminate();
    awaitTermination(system);
  }

  private static boolean joinsItself(Config config) {
    return config.getStringList("akka.cluster.seed-nodes").isEmpty()
        && config.getBoolean(ROOT + ".cluster.join-self")
        && !config.getBoolean(ROOT + ".cluster.bootstrap");
  }

  private static CompletableFuture<Done> selfUp(ActorSystem<?> system) {
    var up = new CompletableFuture<Done>();
    Behavior<SelfUp> watcher = Behaviors.setup(context -> {
      var subscriptions = Cluster.get(system).subscriptions();
      subscriptions.tell(Subscribe.create(context.getSelf(), SelfUp.class));
      return Behaviors.receiveMessage(selfUp -> {
        up.complete(Done.getInstance());
        subscriptions.tell(new Unsubscribe<>(context.getSelf()));
        return Behaviors.stopped();
      });
    });
    system.systemActorOf(watcher, "kyc-await-self-up", Props.empty());
    return up;
  }

  private static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("KYC service start failed " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("KYC service start timed out " + what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + what, e);
    }
  }

  private static void awaitTermination(ActorSystem<?> system) {
    try {
      system.getWhenTerminated().toCompletableFuture().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("KYC actor system did not terminate within {}", STOP_TIMEOUT);
    }
  }
}
