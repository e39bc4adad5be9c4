package chatterbox.transfer;

import chatterbox.wallet.Money;

import java.time.Instant;

/** A transfer in the API's words: amounts as decimal strings, stages in lower case. */
public record TransferView(String transferId, String kind, String from, String to, String amount, String status,
                           String reason, Instant requestedAt, Instant finishedAt) {

  public static TransferView of(TransferStatus status) {
    return new TransferView(status.transferId(), status.kind().name().toLowerCase(), status.from(), status.to(),
        Money.format(status.amount()), status.stage().name().toLowerCase(), status.reason().orElse(null),
        status.requestedAt(), status.finishedAt().orElse(null));
  }
}
