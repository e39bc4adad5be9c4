package chatterbox.ledger;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import chatterbox.account.AccountService;
import chatterbox.account.AuthenticatedRoutes;
import chatterbox.wallet.Money;

/** {@code GET /api/admin/ledger} (operator): the double-entry totals and whether they balance. */
public final class LedgerRoutes extends AuthenticatedRoutes {

  public record LedgerView(String userWallets, String held, String treasury, String inFlight, String deposited,
                           String withdrawn, long wallets, long transfersUnfinished, boolean balanced) {

    static LedgerView of(Ledger.Totals t) {
      return new LedgerView(Money.format(t.userWallets()), Money.format(t.held()), Money.format(t.treasury()),
          Money.format(t.inFlight()), Money.format(t.deposited()), Money.format(t.withdrawn()), t.wallets(),
          t.transfersUnfinished(), t.balanced());
    }
  }

  private final Ledger ledger;

  public LedgerRoutes(AccountService accounts, String operatorToken, Ledger ledger) {
    super(accounts, operatorToken);
    this.ledger = ledger;
  }

  public Route routes() {
    return path(akka.http.javadsl.server.PathMatchers.segment("admin").slash("ledger"), () -> get(() -> operator(() ->
        onSuccess(ledger.totals(), totals -> json(StatusCodes.OK, LedgerView.of(totals))))));
  }
}
