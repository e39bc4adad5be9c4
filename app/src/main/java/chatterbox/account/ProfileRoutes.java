package chatterbox.account;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** {@code GET /api/me}: who the token belongs to, their money, their rooms and their KYC status. */
public final class ProfileRoutes extends AuthenticatedRoutes {

  /** Money as the API shows it (decimal strings). */
  public record Funds(String balance, String held) {}

  public record Profile(String username, String balance, String held, List<String> rooms, String kycStatus) {}

  private final Function<String, CompletionStage<Funds>> fundsOf;

  public ProfileRoutes(AccountService accounts, String operatorToken, Function<String, CompletionStage<Funds>> fundsOf) {
    super(accounts, operatorToken);
    this.fundsOf = fundsOf;
  }

  public Route routes() {
    return path("me", () -> get(() -> authenticated(session -> {
      var summary = accounts.summary(session.username());
      var funds = fundsOf.apply(session.username());
      return onSuccess(summary.thenCombine(funds, (account, money) -> new Profile(session.username(),
              money.balance(), money.held(), List.of(),
              Account.Summary.ACTIVE.equals(account.status()) ? "verified" : account.status())),
          profile -> json(StatusCodes.OK, profile));
    })));
  }
}
