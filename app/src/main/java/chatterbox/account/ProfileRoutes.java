package chatterbox.account;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** {@code GET /api/me}: who the token belongs to, their money, their rooms and their KYC status. */
public final class ProfileRoutes extends AuthenticatedRoutes {

  /** Money as the API shows it (decimal strings). */
  public record Funds(String balance, String held) {}

  public record Profile(String username, String balance, String held, List<String> rooms, String kycStatus) {}

  private final Function<String, CompletionStage<Funds>> fundsOf;
  private final Function<String, CompletionStage<List<String>>> roomsOf;

  public ProfileRoutes(AccountService accounts, String operatorToken, Function<String, CompletionStage<Funds>> fundsOf,
                       Function<String, CompletionStage<List<String>>> roomsOf) {
    super(accounts, operatorToken);
    this.fundsOf = fundsOf;
    this.roomsOf = roomsOf;
  }

  /** A completed registration means the KYC service holds the person's verified identity. */
  private static String kycStatus(Account.Summary summary) {
    return Account.Summary.ACTIVE.equals(summary.status()) ? "verified" : summary.status();
  }

  public Route routes() {
    // The account, the wallet and the room list wake side by side with the session check.
    return path("me", () -> get(() -> authenticatedRead(this::profile, (session, profile) ->
        json(StatusCodes.OK, profile))));
  }

  private CompletionStage<Profile> profile(String user) {
    var summary = accounts.summary(user).toCompletableFuture();
    var funds = fundsOf.apply(user).toCompletableFuture();
    var rooms = roomsOf.apply(user).toCompletableFuture();
    return CompletableFuture.allOf(summary, funds, rooms).thenApply(all -> new Profile(user,
        funds.join().balance(), funds.join().held(), rooms.join(), kycStatus(summary.join())));
  }
}
