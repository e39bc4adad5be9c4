package chatterbox.account;

import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import chatterbox.testing.ApiClient;
import chatterbox.testing.ExtraRoutes;
import chatterbox.testing.TestStack;
import chatterbox.testing.Users;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AuthenticatedRoutes#authenticatedRead}: the read starts beside the session check, not after
 * it, and its result still reaches only an open session. Real accounts on PostgreSQL, real HTTP.
 */
class AuthenticatedReadTest {

  private static TestStack stack;
  private static ServerBinding binding;
  private static ApiClient api;
  /** The users the read was started for, in order. */
  private static final List<String> readsStarted = new CopyOnWriteArrayList<>();

  /** {@code GET /api/secret}: the user's name behind a read that records that it started. */
  private static final class SecretRoutes extends AuthenticatedRoutes {
    SecretRoutes(AccountService accounts) {
      super(accounts, TestStack.OPERATOR_TOKEN);
    }

    Route routes() {
      return path("secret", () -> get(() -> authenticatedRead(
          user -> {
            readsStarted.add(user);
            return CompletableFuture.completedFuture(Map.of("secret", "only for " + user));
          },
          (session, secret) -> json(StatusCodes.OK, secret))));
    }
  }

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start(Map.of());
    var system = stack.app().system();
    var routes = new SecretRoutes(ExtraRoutes.accounts(system));
    binding = ExtraRoutes.bind(system, routes::routes);
    api = new ApiClient(binding.localAddress().getPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (binding != null) binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    stack.close();
  }

  @Test
  void anOpenSessionGetsTheRead() {
    var user = Users.signUpAndLogIn(stack.api(), "reader");
    var reply = api.get("/api/secret", user.token());
    assertEquals(200, reply.status(), reply.toString());
    assertEquals("only for " + user.username(), reply.text("secret"));
  }

  @Test
  void aLoggedOutTokenStartsTheReadButNeverSeesIt() {
    var user = Users.signUpAndLogIn(stack.api(), "leaver");
    assertEquals(204, stack.api().delete("/api/sessions", user.token()).status());
    readsStarted.clear();

    var reply = api.get("/api/secret", user.token());

    assertEquals(401, reply.status(), reply.toString());
    assertFalse(reply.toString().contains("only for"), reply.toString());
    // Started before the account said the session was closed: the two run side by side.
    assertEquals(List.of(user.username()), readsStarted);
  }

  @Test
  void aTokenWeDidNotSignStartsNothing() {
    var user = Users.signUpAndLogIn(stack.api(), "forger");
    readsStarted.clear();

    assertEquals(401, api.get("/api/secret", user.token() + "x").status());
    assertEquals(401, api.get("/api/secret", null).status());
    assertTrue(readsStarted.isEmpty(), readsStarted.toString());
  }
}
