package chatterbox.transfer;

import chatterbox.transfer.TransferRequest.Kind;

import java.time.Instant;
import java.util.Optional;

/**
 * Where a transfer stands, as its callers see it.
 *
 * @param reason     why it was rejected; empty otherwise
 * @param finishedAt when it reached {@link Stage#COMPLETED} or {@link Stage#REJECTED}
 */
public record TransferStatus(
    String transferId,
    Stage stage,
    String from,
    String to,
    long amount,
    Kind kind,
    String initiator,
    Optional<String> reason,
    Instant requestedAt,
    Optional<Instant> finishedAt) implements Transfer.StartReply, Transfer.GetReply {

  /** The saga's steps, in order, then its two outcomes. */
  public enum Stage {
    DEBITING, CREDITING, SETTLING,
    /** The payee has the money and the payer's hold is gone. */
    COMPLETED,
    /** The debit was refused: nothing moved. */
    REJECTED;

    public boolean finished() {
      return this == COMPLETED || this == REJECTED;
    }
  }

  public boolean finished() {
    return stage.finished();
  }
}
