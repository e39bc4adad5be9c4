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
        ? unauthorized("send Authorization: Bearer <token> from POST /api/sessions")
        : onSuccess(accounts.authenticate(token.get()), session -> session
            .map(inner)
            .orElseGet(() -> unauthorized("token is invalid, expired or logged out"))));
  }

  /** Runs {@code inner} only for the operator credential ({@code CHATTERBOX_OPERATOR_TOKEN}). */
  protected Route operator(Supplier<Route> inner) {
    return bearerToken(token -> token.isPresent() && Secrets.constantTimeEquals(operatorToken, token.get())
        ? inner.get()
        : error(StatusCodes.FORBIDDEN, "authorization", "operator credential required"));
  }

  private Route unauthorized(String message) {
    return respondWithHeaders(List.of(WWWAuthenticate.create(HttpChallenge.createOAuth2("chatterbox"))),
        () -> complete(StatusCodes.UNAUTHORIZED, ErrorBody.of("authorization", message), Json.marshaller()));
  }
}
