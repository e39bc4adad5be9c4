package chatterbox.account;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.HttpChallenge;
import akka.http.javadsl.model.headers.WWWAuthenticate;
import akka.http.javadsl.server.Route;
import chatterbox.platform.config.Secrets;
import chatterbox.platform.http.ErrorBody;
import chatterbox.platform.http.Json;
import chatterbox.platform.http.JsonRoutes;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/** Base of the app's route classes: user sessions and the operator credential. */
public abstract class AuthenticatedRoutes extends JsonRoutes {

  protected final AccountService accounts;
  private final String operatorToken;

  protected AuthenticatedRoutes(AccountService accounts, String operatorToken) {
    this.accounts = accounts;
    this.operatorToken = operatorToken;
  }

  /** Runs {@code inner} for the session of a valid, unrevoked bearer token; 401 otherwise. */
  protected Route authenticated(Function<SessionTokens.Session, Route> inner) {
    return bearerToken(token -> token.isEmpty()
        ? missingToken()
        : onSuccess(accounts.authenticate(token.get()), session -> session
            .map(inner)
            .orElseGet(this::invalidToken)));
  }

  /**
   * As {@link #authenticated}, for a read of the user's own data that need not wait for the session
   * check: {@code read} starts for the user a signed, unexpired token names at the same time as the
   * check whether that session is still open, so the entities both wake (the account, a room, a
   * wallet) recover side by side instead of one after the other. Its result reaches {@code inner}
   * only for a session that is open; for a logged-out one the answer is 401 as always. Only for
   * reads: {@code read} runs before the logout is known.
   */
  protected <T> Route authenticatedRead(Function<String, CompletionStage<T>> read,
                                        BiFunction<SessionTokens.Session, T, Route> inner) {
    return bearerToken(token -> {
      if (token.isEmpty()) return missingToken();
      var signed = accounts.signedSession(token.get());
      if (signed.isEmpty()) return invalidToken();
      var session = signed.get();
      var result = read.apply(session.username());
      return onSuccess(accounts.isCurrent(session), current -> current
          ? onSuccess(result, value -> inner.apply(session, value))
          : invalidToken());
    });
  }

  /** Runs {@code inner} only for the operator credential ({@code CHATTERBOX_OPERATOR_TOKEN}). */
  protected Route operator(Supplier<Route> inner) {
    return bearerToken(token -> token.isPresent() && Secrets.constantTimeEquals(operatorToken, token.get())
        ? inner.get()
        : error(StatusCodes.FORBIDDEN, "authorization", "operator credential required"));
  }

  private Route missingToken() {
    return unauthorized("send Authorization: Bearer <token> from POST /api/sessions");
  }

  private Route invalidToken() {
    return unauthorized("token is invalid, expired or logged out");
  }

  private Route unauthorized(String message) {
    return respondWithHeaders(List.of(WWWAuthenticate.create(HttpChallenge.createOAuth2("chatterbox"))),
        () -> complete(StatusCodes.UNAUTHORIZED, ErrorBody.of("authorization", message), Json.marshaller()));
  }
}
