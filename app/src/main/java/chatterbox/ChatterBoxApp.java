package chatterbox;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import chatterbox.account.Account;
import chatterbox.account.AccountRoutes;
import chatterbox.account.AccountService;
import chatterbox.account.KycClient;
import chatterbox.account.PinHasher;
import chatterbox.account.ProfileRoutes;
import chatterbox.account.Registration;
import chatterbox.account.SessionTokens;
import chatterbox.gateway.Gateway;
import chatterbox.ledger.Ledger;
import chatterbox.metrics.Metrics;
import chatterbox.metrics.MetricsRoutes;
import chatterbox.ledger.LedgerRoutes;
import chatterbox.platform.persistence.BlockingJdbc;
import chatterbox.platform.persistence.Database;
import chatterbox.room.Room;
import chatterbox.room.RoomTopics;
import chatterbox.room.RoomRoutes;
import chatterbox.room.RoomService;
import chatterbox.room.UserRooms;
import chatterbox.transfer.Payments;
import chatterbox.transfer.Transfer;
import chatterbox.transfer.TransferIds;
import chatterbox.transfer.TransferRequest;
import chatterbox.transfer.TransferRoutes;
import chatterbox.transfer.TransferService;
import chatterbox.transfer.UnfinishedTransfers;
import chatterbox.wallet.Money;
import chatterbox.wallet.Wallet;
import chatterbox.web.WebClientRoutes;
import chatterbox.platform.http.HttpListener;
import chatterbox.platform.http.JsonRoutes;
import chatterbox.platform.http.Takeover;
import chatterbox.platform.runtime.ServiceNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.concurrent.TimeUnit;

/**
 * One ChatterBox app node: migrates its database, starts the actor system (a cluster node), starts
 * the sharded entities, and serves the HTTP API. Used by {@link ChatterBoxMain} and by tests.
 */
public final class ChatterBoxApp {

  public static final String ROOT = "chatterbox";

  private final ActorSystem<Void> system;
  private final HttpListener binding;

  private ChatterBoxApp(ActorSystem<Void> system, HttpListener binding) {
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
    ActorSystem<Void> system = ServiceNode.startSystem(Behaviors.empty(), "chatterbox",
        projectionSettings(database).withFallback(config), ROOT, database);
    try {
      var api = wire(system, database, system.settings().config().getConfig(ROOT));
      var binding = ServiceNode.serve(system, ROOT, JsonRoutes.withJsonErrors(api.route()), api.takeover())
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new ChatterBoxApp(system, binding);
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("ChatterBox failed to start: " + e.getMessage(), e);
    }
  }

  /** akka-projection-jdbc speaks the journal's SQL dialect, with a thread per pooled connection. */
  private static Config projectionSettings(Database database) {
    return ConfigFactory.parseMap(Map.of(
        "akka.projection.jdbc.dialect", database.dialect() == Database.Dialect.POSTGRES ? "postgres-dialect" : "h2-dialect",
        "akka.projection.jdbc.blocking-jdbc-dispatcher.thread-pool-executor.fixed-pool-size", database.poolSize()));
  }

  /** The node's HTTP API, and the gateway's claim on the connections opened for it. */
  private record Api(Route route, Takeover takeover) {}

  /** Starts the entities and read models and builds the API. */
  private static Api wire(ActorSystem<Void> system, Database database, Config settings) {
    var clock = Clock.systemUTC();
    var secrets = settings.getConfig("secrets");
    var money = settings.getConfig("money");
    // A user's own entities, which every session wakes at IDENTIFY and READY, leave memory when the
    // user has been idle a while; rooms and transfers keep the node's default (akka.cluster.sharding).
    var userEntitiesIdle = settings.getDuration("user-entities-idle-timeout");
    Account.init(system, Account.Settings.fromConfig(settings.getConfig("accounts")), userEntitiesIdle);
    Wallet.init(system, Wallet.Settings.fromConfig(money), userEntitiesIdle);
    Transfer.init(system);
    Room.init(system, Room.Settings.fromConfig(settings.getConfig("rooms")), clock);
    RoomTopics.get(system).stopIdleTopicsEvery(settings.getDuration("rooms.idle-topic-sweep"));
    UserRooms.init(system, userEntitiesIdle, settings.getInt("rooms.max-per-user"));
    var ledger = Ledger.start(system, BlockingJdbc.create(system, database, "read-models"));
    UnfinishedTransfers.start(system, ledger::idleUnfinishedTransfers,
        UnfinishedTransfers.Settings.fromConfig(money.getConfig("unfinished-transfers")));

    var accounts = new AccountService(system,
        new PinHasher(secrets.getString("pin-key")),
        new SessionTokens(secrets.getString("token-secret"), settings.getDuration("accounts.session-ttl")),
        settings.getDuration("ask-timeout"), clock);
    var transfers = TransferService.sharded(system, money.getDuration("transfer-reply-timeout"),
        money.getInt("max-transfers-in-flight"));
    var askTimeout = settings.getDuration("ask-timeout");
    var rooms = new RoomService(system, askTimeout);
    var payments = new Payments(accounts, transfers);
    long maxTransfer = amount(money, "max-transfer");
    var metrics = Metrics.start(system, List.of(Account.ENTITY_TYPE_KEY, Wallet.ENTITY_TYPE_KEY,
        Transfer.ENTITY_TYPE_KEY, Room.ENTITY_TYPE_KEY, UserRooms.ENTITY_TYPE_KEY), Duration.ofSeconds(10));
    transfers.onFinished(status -> metrics.transfers.labelValues(status.stage().name().toLowerCase()).inc());
    metrics.gauge("chatterbox_room_topics", "Rooms' pub/sub topics on this node (rooms running or subscribed to here)",
        RoomTopics.get(system)::roomTopicCount);
    var gateway = Gateway.start(system, settings.getConfig("gateway"), accounts, rooms, payments, transfers,
        maxTransfer, askTimeout, metrics);
    var registration = new Registration(accounts, KycClient.fromConfig(system, settings),
        signUpGrant(transfers, money.getString("signup-grant")));
    var operatorToken = secrets.getString("operator-token");
    Function<String, CompletionStage<ProfileRoutes.Funds>> fundsOf = username -> transfers.balance(username)
        .thenApply(b -> new ProfileRoutes.Funds(Money.format(b.balance()), Money.format(b.held())));

    var d = new AllDirectives() {};
    return new Api(d.concat(
        gateway.route(),
        d.pathPrefix("api", () -> d.concat(
            new AccountRoutes(accounts, registration, operatorToken, clock, rooms::ensureDefaultRoom,
                gateway::loggedOut).routes(),
            new ProfileRoutes(accounts, operatorToken, fundsOf, rooms::roomsOf).routes(),
            new TransferRoutes(accounts, operatorToken, payments, transfers, ledger, maxTransfer, gateway::sendReceipts).routes(),
            new RoomRoutes(accounts, operatorToken, rooms).routes(),
            new LedgerRoutes(accounts, operatorToken, ledger).routes())),
        new MetricsRoutes(accounts, operatorToken, metrics).routes(),
        new WebClientRoutes().routes()), gateway.takeover());
  }

  /** Pays the demo grant from the treasury, once per user (the transfer id is derived from the name). */
  private static Function<String, CompletionStage<?>> signUpGrant(TransferService transfers, String grant) {
    if ("0".equals(grant.trim())) return username -> CompletableFuture.completedFuture(null);
    long amount = ((Money.Amount) Money.parse(grant)).minorUnits();
    return username -> transfers.start(TransferIds.signUpGrant(username), TransferRequest.deposit(username, amount, "signup-grant"));
  }

  private static long amount(Config money, String key) {
    var parsed = Money.parse(money.getString(key));
    if (parsed instanceof Money.Amount amount) return amount.minorUnits();
    throw new IllegalArgumentException("chatterbox.money." + key + " " + parsed.problem().orElse("is invalid"));
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
