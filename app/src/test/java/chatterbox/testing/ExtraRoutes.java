package chatterbox.testing;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import chatterbox.account.AccountService;
import chatterbox.account.PinHasher;
import chatterbox.account.SessionTokens;
import chatterbox.platform.http.JsonRoutes;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Routes a test adds to a running app's actor system, on a port of their own: with an account
 * service built as the app builds it, so the app's tokens are valid there.
 */
public final class ExtraRoutes {

  private ExtraRoutes() {}

  /** An account service over the app's accounts, with the app's secrets and timeouts. */
  public static AccountService accounts(ActorSystem<?> system) {
    var settings = system.settings().config().getConfig("chatterbox");
    return new AccountService(system, new PinHasher(settings.getString("secrets.pin-key")),
        new SessionTokens(settings.getString("secrets.token-secret"), settings.getDuration("accounts.session-ttl")),
        settings.getDuration("ask-timeout"), Clock.systemUTC());
  }

  /** Serves {@code api} under {@code /api} with the app's JSON errors on a free port of 127.0.0.1. */
  public static ServerBinding bind(ActorSystem<?> system, Supplier<Route> api) throws Exception {
    var route = JsonRoutes.withJsonErrors(new AllDirectives() {}.pathPrefix("api", api));
    return Http.get(system).newServerAt("127.0.0.1", 0).bind(route).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
