package chatterbox.transfer;

import chatterbox.account.Account;
import chatterbox.account.AccountService;
import chatterbox.account.Username;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A user paying another user, as both the REST API and the chat gateway offer it: the payee must
 * be an active account, and the payer's PIN is checked by the payer's account entity (so wrong
 * PINs count towards the lockout) before the transfer saga starts.
 */
public final class Payments {

  public sealed interface Result {}

  /**
   * The transfer ran (or had already run under this id): its outcome or current stage, and the two
   * wallets' balances when this payment saw it complete ({@link TransferService.Outcome}).
   */
  public record Started(TransferStatus status, Optional<Transfer.Balances> balances) implements Result {}

  public record UnknownRecipient() implements Result {}

  public record SelfPayment() implements Result {}

  public record WrongPin(int attemptsLeft) implements Result {}

  public record Locked(Instant until) implements Result {}

  private final AccountService accounts;
  private final TransferService transfers;

  public Payments(AccountService accounts, TransferService transfers) {
    this.accounts = accounts;
    this.transfers = transfers;
  }

  /**
   * Pays {@code amount} minor units from {@code payer} to {@code rawPayee} under {@code transferId}.
   * Failures of the transfer itself ({@link TransferService.TransferIdInUse}, a malformed id) fail
   * the returned stage.
   */
  public CompletionStage<Result> pay(String payer, String transferId, String rawPayee, long amount, String pin) {
    var payee = Username.normalize(rawPayee);
    if (payee.equals(payer)) return CompletableFuture.completedFuture(new SelfPayment());
    // Refused before the lookups and the PIN check: a busy node spends as little as it can on it.
    if (transfers.busy()) return CompletableFuture.failedFuture(new TransferService.Busy());
    return accounts.isActive(payee).thenCompose(exists -> {
      if (!exists) return CompletableFuture.completedFuture(new UnknownRecipient());
      return accounts.verifyPin(payer, pin).thenCompose(check -> {
        if (check instanceof Account.PinRejected rejected) {
          return CompletableFuture.completedFuture(new WrongPin(rejected.attemptsLeft()));
        }
        if (check instanceof Account.LockedOut locked) {
          return CompletableFuture.completedFuture(new Locked(locked.until()));
        }
        if (!(check instanceof Account.PinAccepted)) {
          return CompletableFuture.completedFuture(new WrongPin(0));
        }
        return transfers.startForReceipt(transferId, TransferRequest.payment(payer, payee, amount, payer))
            .thenApply(outcome -> new Started(outcome.status(), outcome.balances()));
      });
    });
  }
}
