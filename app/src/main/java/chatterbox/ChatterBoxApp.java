package chatterbox;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import chatterbox.account.Account;
import chatterbox.account.AccountRoutes;
import chatterbox.account.AccountService;
import chatterbox.account.KycClient;
import chatterbox.account.PinHasher;
import chatterbox.account.Registration;
import chatterbox.account.SessionTokens;
import chatterbox.platform.http.JsonRoutes;
import chatterbox.platform.runtime.ServiceNode;
import com.typesafe.config.Config;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One ChatterBox app node: migrates its database, starts the actor system (a cluster node), starts
 * the sharded entities, and serves the HTTP API. Used by {@link ChatterBoxMain} and by tests.
 */
public final class ChatterBoxApp {

  public static final String ROOT = "chatterbox";

  private final ActorSystem<Void> system;
  private final ServerBinding binding;

  private ChatterBoxApp(ActorSystem<Void> system, ServerBinding binding) {
    this.system = system;
    this.binding = binding;
  }

  /**
   * The node's configuration: {@code overrides}, then the overlay file named by
   * {@code CHATTERBOX_CONFIG_FILE}, then {@code chatterbox.conf} with its {@code CHATTERBOX_*}
   * variables (see {@link ServiceNode#loadConfig}).
   */
  public static Config config(Map<String, ?> overrides) {
    return ServiceNode.loadConfig(ROOT, "CHATTERBOX_CONFIG_FILE", overrides);
  }

  /** Starts a node on {@code config} (see {@link #config}). */
  public static ChatterBoxApp start(Config config) {
    var database = ServiceNode.prepareDatabase(config, ROOT, "db/app");
    ActorSystem<Void> system = ServiceNode.startSystem(Behaviors.empty(), "chatterbox", config, ROOT, database);
    try {
      var route = JsonRoutes.withJsonErrors(wire(system, system.settings().config().getConfig(ROOT)));
      var binding = ServiceNode.serve(system, ROOT, route).toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new ChatterBoxApp(system, binding);
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("ChatterBox failed to start: " + e.getMessage(), e);
    }
  }

  /** Starts the entities and builds the API. */
  private static Route wire(ActorSystem<Void> system, Config settings) {
    var clock = Clock.systemUTC();
    var secrets = settings.getConfig("secrets");
    Account.init(system, Account.Settings.fromConfig(settings.getConfig("accounts")));
    var accounts = new AccountService(system,
        new PinHasher(secrets.getString("pin-key")),
        new SessionTokens(secrets.getString("token-secret"), settings.getDuration("accounts.session-ttl")),
        settings.getDuration("ask-timeout"), clock);
    var registration = new Registration(accounts, KycClient.fromConfig(system, settings),
        username -> CompletableFuture.completedFuture(null));
    var operatorToken = secrets.getString("operator-token");
    var d = new AllDirectives() {};
    return d.pathPrefix("api", () -> d.concat(
        new AccountRoutes(accounts, registration, operatorToken, clock).routes()));
  }

  public int httpPort() {
    return binding.localAddress().getPort();
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** Leaves the cluster and stops, waiting until the system has terminated. */
  public void stop() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
  }

}
