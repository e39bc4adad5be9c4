package chatterbox.account;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Scheduler;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.japi.function.Function;
import chatterbox.platform.cluster.RetryingAsk;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the HTTP API and the gateway ask of accounts: logins, tokens, PIN checks. Each question goes
 * to the one account entity that owns the username, wherever in the cluster it lives.
 */
public final class AccountService {

  public sealed interface LoginResult {}

  public record LoggedIn(String token, SessionTokens.Session session) implements LoginResult {}

  /** Unknown user or wrong PIN: deliberately the same answer. */
  public record BadCredentials() implements LoginResult {}

  public record Locked(Instant until) implements LoginResult {}

  private final ClusterSharding sharding;
  private final Scheduler scheduler;
  private final PinHasher pins;
  private final SessionTokens tokens;
  private final Duration askTimeout;
  private final Clock clock;

  public AccountService(ActorSystem<?> system, PinHasher pins, SessionTokens tokens, Duration askTimeout, Clock clock) {
    this.sharding = ClusterSharding.get(system);
    this.scheduler = system.scheduler();
    this.pins = pins;
    this.tokens = tokens;
    this.askTimeout = askTimeout;
    this.clock = clock;
  }

  public CompletionStage<LoginResult> login(String rawUsername, String pin) {
    if (!Username.isValid(rawUsername) || !PinPolicy.isWellFormed(pin)) {
      return CompletableFuture.completedFuture(new BadCredentials());
    }
    var username = Username.normalize(rawUsername);
    return verifyPin(username, pin).thenApply(check -> {
      if (check instanceof Account.PinAccepted) {
        var issued = tokens.issue(username, clock.instant());
        return new LoggedIn(issued.token(), issued.session());
      }
      if (check instanceof Account.LockedOut locked) return new Locked(locked.until());
      return new BadCredentials();
    });
  }

  /** Checks {@code pin} against the account; every failure counts towards the lockout. */
  public CompletionStage<Account.PinCheck> verifyPin(String username, String pin) {
    var hash = pins.hash(username, pin);
    return ask(username, replyTo -> new Account.VerifyPin(hash, clock.instant(), replyTo));
  }

  /** The session behind a bearer token: signed by us, not expired, not logged out. */
  public CompletionStage<Optional<SessionTokens.Session>> authenticate(String token) {
    var signed = signedSession(token);
    if (signed.isEmpty()) return CompletableFuture.completedFuture(Optional.empty());
    return isCurrent(signed.get()).thenApply(current -> current ? signed : Optional.empty());
  }

  /**
   * The session a bearer token names if we signed it and it has not expired, checked without
   * asking anyone; whether it was logged out is {@link #isCurrent}'s to say.
   */
  public Optional<SessionTokens.Session> signedSession(String token) {
    return tokens.verify(token, clock.instant());
  }

  /** Whether a signed session is still open on its account (not logged out, account not closed). */
  public CompletionStage<Boolean> isCurrent(SessionTokens.Session session) {
    return this.<Account.SessionCheck>askRepeatable(session.username(),
            replyTo -> new Account.CheckSession(session.sessionId(), clock.instant(), replyTo))
        .thenApply(Account.SessionCheck::valid);
  }

  public CompletionStage<Done> logout(SessionTokens.Session session) {
    return askRepeatable(session.username(),
        replyTo -> new Account.RevokeSession(session.sessionId(), session.expiresAt(), clock.instant(), replyTo));
  }

  public CompletionStage<Account.Summary> summary(String username) {
    return askRepeatable(username, replyTo -> new Account.GetSummary(clock.instant(), replyTo));
  }

  /** Whether {@code username} names a registered, active account. */
  public CompletionStage<Boolean> isActive(String username) {
    if (!Username.isValid(username)) return CompletableFuture.completedFuture(false);
    return summary(Username.normalize(username)).thenApply(s -> Account.Summary.ACTIVE.equals(s.status()));
  }

  public CompletionStage<Done> unlock(String username) {
    return askRepeatable(username, Account.Unlock::new);
  }

  /** Sent once: for commands whose repetition would count twice (a PIN check, a claim). */
  <R> CompletionStage<R> ask(String username, Function<ActorRef<R>, Account.Command> message) {
    return account(username).ask(message, askTimeout);
  }

  /** Sent again while unanswered (a failover loses what was sent to the old home): for questions and repeat-safe commands. */
  private <R> CompletionStage<R> askRepeatable(String username, Function<ActorRef<R>, Account.Command> message) {
    return RetryingAsk.ask(account(username), message, askTimeout, scheduler);
  }

  private EntityRef<Account.Command> account(String username) {
    return sharding.entityRefFor(Account.ENTITY_TYPE_KEY, username);
  }

  Clock clock() {
    return clock;
  }

  PinHasher pins() {
    return pins;
  }
}
