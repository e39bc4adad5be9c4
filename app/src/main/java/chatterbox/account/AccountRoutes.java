package chatterbox.account;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RetryAfter;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import chatterbox.platform.http.Validation;
import chatterbox.platform.identity.FullName;
import chatterbox.platform.identity.NationalId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code POST /api/users} (sign up), {@code POST /api/sessions} (log in) and
 * {@code DELETE /api/sessions} (log out). The account summary, which also shows money, is served
 * by the wallet's routes.
 */
public final class AccountRoutes extends AuthenticatedRoutes {

  public record SignUpRequest(String username, String fullName, String nationalId, String pin) {}

  public record LoginRequest(String username, String pin) {}

  public record CreatedUser(String username, String kycStatus) {}

  public record SessionCreated(String token, String username, Instant expiresAt) {}

  private final Registration registration;
  private final Clock clock;
  private final Function<String, CompletionStage<?>> onLogin;
  private final Consumer<SessionTokens.Session> onLogout;

  /**
   * @param onLogin  runs before a login answers (the first login puts the user into {@code general});
   *                 its failure does not fail the login
   * @param onLogout told of each revoked session, so live connections opened with it can close
   */
  public AccountRoutes(AccountService accounts, Registration registration, String operatorToken, Clock clock,
                       Function<String, CompletionStage<?>> onLogin, Consumer<SessionTokens.Session> onLogout) {
    super(accounts, operatorToken);
    this.registration = registration;
    this.clock = clock;
    this.onLogin = onLogin;
    this.onLogout = onLogout;
  }

  public Route routes() {
    return concat(
        path("users", () -> post(() -> jsonBody(SignUpRequest.class, this::signUp))),
        path("sessions", () -> concat(
            post(() -> jsonBody(LoginRequest.class, this::login)),
            delete(() -> authenticated(session -> onSuccess(accounts.logout(session), done -> {
              onLogout.accept(session);
              return complete(StatusCodes.NO_CONTENT);
            }))))),
        pathPrefix("admin", () -> path(PathMatchers.segment("accounts").slash(PathMatchers.segment()).slash("unlock"), username ->
            post(() -> operator(() -> onSuccess(accounts.unlock(Username.normalize(username)),
                done -> complete(StatusCodes.NO_CONTENT)))))));
  }

  /** Every invalid field of a sign-up, all at once. */
  static Validation validate(SignUpRequest request, java.time.LocalDate today) {
    return new Validation()
        .check("username", Username.problem(request.username()))
        .check("fullName", FullName.problem(request.fullName()))
        .check("nationalId", NationalId.problem(request.nationalId(), today))
        .check("pin", PinPolicy.problem(request.pin(),
            NationalId.problem(request.nationalId(), today).isEmpty() ? request.nationalId() : null));
  }

  private Route signUp(SignUpRequest request) {
    var validation = validate(request, java.time.LocalDate.now(clock));
    if (!validation.isValid()) return invalid(validation.errors());
    var signUp = new Registration.SignUp(request.username(), request.fullName(), request.nationalId(), request.pin());
    return onSuccess(registration.register(signUp), outcome -> {
      if (outcome instanceof Registration.Created created) {
        return json(StatusCodes.CREATED, new CreatedUser(created.username(), "verified"));
      }
      if (outcome instanceof Registration.KycUnavailable) {
        return respondWithHeaders(List.of(RetryAfter.create(5L)), () -> error(StatusCodes.SERVICE_UNAVAILABLE, "kyc",
            "identity verification is unavailable right now; your username is held for you: retry the same request"));
      }
      return error(StatusCodes.CONFLICT, "username", "is already taken");
    });
  }

  private Route login(LoginRequest request) {
    return onSuccess(accounts.login(request.username(), request.pin()), result -> {
      if (result instanceof AccountService.LoggedIn in) {
        var created = new SessionCreated(in.token(), in.session().username(), in.session().expiresAt());
        return onComplete(onLogin.apply(in.session().username()), done -> json(StatusCodes.CREATED, created));
      }
      if (result instanceof AccountService.Locked locked) return lockedOut(locked.until());
      return error(StatusCodes.UNAUTHORIZED, "pin", "username or PIN is wrong");
    });
  }

  /** 423 with the time the account opens again, in the message and as Retry-After. */
  Route lockedOut(Instant until) {
    long seconds = Math.max(1, Duration.between(clock.instant(), until).toSeconds());
    return respondWithHeaders(List.of(RetryAfter.create(seconds)), () -> error(StatusCodes.LOCKED, "pin",
        "too many wrong PINs: locked until " + until + " (" + seconds + " s)"));
  }
}
