package chatterbox.testing;

import chatterbox.ChatterBoxApp;
import chatterbox.kyc.KycService;
import chatterbox.platform.persistence.Database;
import chatterbox.platform.testing.TestPostgres;
import com.typesafe.config.ConfigFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The real thing, in-process: the KYC service and an app node, each on its own fresh schema of a
 * real PostgreSQL, talking HTTP to each other on loopback. The app can be stopped and started
 * again on the same database (crash and restart tests).
 */
public final class TestStack implements AutoCloseable {

  public static final String OPERATOR_TOKEN = "dev-only-operator-token";

  public final Database appDb = TestPostgres.freshDatabase("app");
  public final Database kycDb = TestPostgres.freshDatabase("kyc");
  private final Map<String, Object> appSettings = new HashMap<>();
  private KycService kyc;
  private ChatterBoxApp app;
  private int kycPort;

  private TestStack() {}

  /** KYC and one app node, started. */
  public static TestStack start() {
    return start(Map.of());
  }

  public static TestStack start(Map<String, ?> appSettings) {
    var stack = new TestStack();
    stack.appSettings.putAll(appSettings);
    stack.startKyc(0);
    stack.startApp();
    return stack;
  }

  /** Only an app node, pointed at {@code kycPort} where no KYC runs yet. */
  public static TestStack withoutKyc(int kycPort, Map<String, ?> appSettings) {
    var stack = new TestStack();
    stack.appSettings.putAll(appSettings);
    stack.kycPort = kycPort;
    stack.startApp();
    return stack;
  }

  public void startKyc(int port) {
    kyc = KycService.start(ConfigFactory.parseMap(Map.of(
            "kyc.http.host", "127.0.0.1",
            "kyc.http.port", port,
            "akka.remote.artery.canonical.port", 0))
        .withFallback(KycService.databaseConfig(kycDb)));
    kycPort = kyc.httpPort();
  }

  public void startApp() {
    var settings = new HashMap<String, Object>(Map.of(
        "chatterbox.db.url", appDb.url(),
        "chatterbox.db.user", appDb.user(),
        "chatterbox.db.password", appDb.password(),
        "chatterbox.db.schema", appDb.schema(),
        "chatterbox.http.host", "127.0.0.1",
        "chatterbox.http.port", 0,
        "chatterbox.kyc.url", "http://127.0.0.1:" + kycPort,
        "akka.remote.artery.canonical.port", 0));
    settings.putAll(appSettings);
    app = ChatterBoxApp.start(ChatterBoxApp.config(settings));
  }

  /** Stops the app node's actor system (as a crash of the process would end it) and waits. */
  public void stopApp() {
    app.stop();
    app = null;
  }

  public ChatterBoxApp app() {
    return app;
  }

  public ApiClient api() {
    return new ApiClient(app.httpPort());
  }

  /** A gateway connection of {@code user}'s, identified (READY not yet read), beating every {@code heartbeat}. */
  public GatewayClient identified(Users.LoggedIn user, Duration heartbeat) {
    return GatewayClient.identified(app().httpPort(), user.token(), heartbeat);
  }

  @Override
  public void close() {
    if (app != null) app.stop();
    if (kyc != null) kyc.stop();
    TestPostgres.drop(appDb);
    TestPostgres.drop(kycDb);
  }
}
