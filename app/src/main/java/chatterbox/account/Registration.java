package chatterbox.account;

import chatterbox.platform.runtime.Failures;
import chatterbox.platform.identity.FullName;
import chatterbox.platform.identity.NationalId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Sign-up across two systems, as a saga:
 * <ol>
 *   <li>the account entity claims the username (the one place that decides who gets it);</li>
 *   <li>the KYC service stores the name and national ID under a fresh, opaque subject id;</li>
 *   <li>the account entity completes the registration; the optional sign-up grant is paid.</li>
 * </ol>
 * If step 2 fails the claim stays pending: the same person retrying (same username and PIN)
 * continues where it stopped; otherwise the claim expires and the name is free again, and the
 * orphaned KYC record is erased when the name is next claimed. Nothing half-made lasts.
 * Personal data passes through memory only, never into the app's journal or logs.
 */
public final class Registration {

  private static final Logger log = LoggerFactory.getLogger(Registration.class);

  /** A validated sign-up. */
  public record SignUp(String username, String fullName, String nationalId, String pin) {}

  public sealed interface Outcome {}

  public record Created(String username) implements Outcome {}

  public record UsernameTaken() implements Outcome {}

  /** The KYC system did not answer: the username stays held for the same person to retry. */
  public record KycUnavailable(String detail) implements Outcome {}

  private final AccountService accounts;
  private final KycClient kyc;
  private final Function<String, CompletionStage<?>> signUpGrant;

  /** @param signUpGrant pays the demo grant to a new user (does nothing when the grant is off) */
  public Registration(AccountService accounts, KycClient kyc, Function<String, CompletionStage<?>> signUpGrant) {
    this.accounts = accounts;
    this.kyc = kyc;
    this.signUpGrant = signUpGrant;
  }

  public CompletionStage<Outcome> register(SignUp signUp) {
    var username = Username.normalize(signUp.username());
    var pinHash = accounts.pins().hash(username, signUp.pin());
    var newSubject = UUID.randomUUID().toString();
    return accounts.<Account.ClaimResult>ask(username,
            replyTo -> new Account.Claim(pinHash, newSubject, accounts.clock().instant(), replyTo))
        .thenCompose(claim -> {
          if (!(claim instanceof Account.Claimed claimed)) {
            return CompletableFuture.completedFuture(new UsernameTaken());
          }
          eraseAbandoned(claimed.abandonedSubjectId());
          return storeIdentity(username, claimed.subjectId(), signUp);
        });
  }

  private CompletionStage<Outcome> storeIdentity(String username, String subjectId, SignUp signUp) {
    return kyc.store(subjectId, FullName.normalize(signUp.fullName()), NationalId.normalize(signUp.nationalId()))
        .thenCompose(stored -> switch (stored) {
          case STORED -> complete(username, subjectId);
          // The pending claim belongs to someone who gave other details: the name is not free.
          case CONFLICT, ERASED -> CompletableFuture.completedFuture((Outcome) new UsernameTaken());
        })
        .exceptionally(e -> {
          var cause = Failures.cause(e);
          if (cause instanceof KycClient.KycUnavailable unavailable) {
            log.warn("Registration of {} waits for KYC: {}", username, unavailable.getMessage());
            return new KycUnavailable(unavailable.getMessage());
          }
          throw new CompletionException(cause);
        });
  }

  private CompletionStage<Outcome> complete(String username, String subjectId) {
    return accounts.<Account.CompletionResult>ask(username,
            replyTo -> new Account.CompleteRegistration(subjectId, accounts.clock().instant(), replyTo))
        .thenCompose(result -> {
          if (!(result instanceof Account.Registered)) {
            return CompletableFuture.completedFuture((Outcome) new UsernameTaken());
          }
          log.info("Account {} registered", username);
          return signUpGrant.apply(username).handle((ignored, grantFailure) -> {
            if (grantFailure != null) log.warn("Sign-up grant for {} failed: {}", username, grantFailure.toString());
            return (Outcome) new Created(username);
          });
        });
  }

  private void eraseAbandoned(String subjectId) {
    if (subjectId == null) return;
    kyc.erase(subjectId).whenComplete((done, e) -> {
      if (e != null) log.warn("Could not erase abandoned KYC subject {}: {}", subjectId, e.getMessage());
      else log.info("Erased abandoned KYC subject {}", subjectId);
    });
  }
}
