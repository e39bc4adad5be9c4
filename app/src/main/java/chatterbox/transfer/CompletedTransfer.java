package chatterbox.transfer;

import chatterbox.wallet.Wallet;

import java.time.Instant;
import java.util.Objects;

/**
 * A transfer that has just completed, for its users to be told of it ({@code TRANSFER_RECEIPT} to
 * each one's sessions): both parties of a payment, the one user of a deposit or a withdrawal.
 *
 * @param request  what moved, from which wallet to which ({@link Wallet#TREASURY_ID} for the
 *                 treasury's side of a deposit or withdrawal, which has no sessions to tell)
 * @param balances both wallets' balances right after it
 * @param room     the chat room it was sent from ({@code /send}), or null for one made otherwise
 *                 (the REST API)
 */
public record CompletedTransfer(String transferId, TransferRequest request, Transfer.Balances balances, String room,
                                Instant at) {
  public CompletedTransfer {
    Objects.requireNonNull(transferId, "transferId");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(balances, "balances");
    Objects.requireNonNull(at, "at");
  }

  /** The user behind a wallet id, or null for the treasury. */
  public static String user(String walletId) {
    return Wallet.TREASURY_ID.equals(walletId) ? null : walletId;
  }
}
