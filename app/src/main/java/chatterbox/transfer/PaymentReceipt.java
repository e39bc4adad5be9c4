package chatterbox.transfer;

import java.time.Instant;
import java.util.Objects;

/**
 * A payment between two users that has just completed, for both of them to be told of it
 * ({@code TRANSFER_RECEIPT} to each one's sessions).
 *
 * @param room     the chat room it was sent from ({@code /send}), or null for one sent otherwise
 *                 (the REST API)
 * @param balances both wallets' balances right after it
 */
public record PaymentReceipt(String transferId, String payer, String payee, long amount, Transfer.Balances balances,
                             String room, Instant at) {
  public PaymentReceipt {
    Objects.requireNonNull(transferId, "transferId");
    Objects.requireNonNull(payer, "payer");
    Objects.requireNonNull(payee, "payee");
    Objects.requireNonNull(balances, "balances");
    Objects.requireNonNull(at, "at");
  }
}
