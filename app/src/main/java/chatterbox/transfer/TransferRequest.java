package chatterbox.transfer;

import chatterbox.platform.serialization.JsonSerializable;
import chatterbox.wallet.Wallet;

import java.util.Optional;

/**
 * What a transfer is to move: {@code amount} minor units from wallet {@code from} to wallet
 * {@code to}, and who asked. A deposit comes from the treasury, a withdrawal goes to it, and a
 * payment is between two users. Only consistent requests can be built, so the saga never has to
 * decide what an odd one means; check {@link #problem} first to report what is wrong.
 *
 * @param initiator who asked: the paying user, or the operator for deposits and withdrawals
 */
public record TransferRequest(String from, String to, long amount, Kind kind, String initiator)
    implements JsonSerializable {

  public enum Kind { PAYMENT, DEPOSIT, WITHDRAWAL }

  public TransferRequest {
    problem(from, to, amount, kind, initiator).ifPresent(problem -> {
      throw new IllegalArgumentException(problem);
    });
  }

  public static TransferRequest payment(String from, String to, long amount, String initiator) {
    return new TransferRequest(from, to, amount, Kind.PAYMENT, initiator);
  }

  public static TransferRequest deposit(String to, long amount, String initiator) {
    return new TransferRequest(Wallet.TREASURY_ID, to, amount, Kind.DEPOSIT, initiator);
  }

  public static TransferRequest withdrawal(String from, long amount, String initiator) {
    return new TransferRequest(from, Wallet.TREASURY_ID, amount, Kind.WITHDRAWAL, initiator);
  }

  /** Why these fields do not make a transfer, or empty when they do. */
  public static Optional<String> problem(String from, String to, long amount, Kind kind, String initiator) {
    if (kind == null) return Optional.of("kind is required");
    if (isBlank(from)) return Optional.of("from is required");
    if (isBlank(to)) return Optional.of("to is required");
    if (isBlank(initiator)) return Optional.of("initiator is required");
    if (amount <= 0) return Optional.of("amount must be greater than zero");
    if (from.equals(to)) return Optional.of("from and to must be different wallets");
    boolean fromTreasury = from.equals(Wallet.TREASURY_ID);
    boolean toTreasury = to.equals(Wallet.TREASURY_ID);
    return switch (kind) {
      case PAYMENT -> fromTreasury || toTreasury
          ? Optional.of("a payment is between two users, not the treasury") : Optional.empty();
      case DEPOSIT -> fromTreasury ? Optional.empty() : Optional.of("a deposit comes from the treasury");
      case WITHDRAWAL -> toTreasury ? Optional.empty() : Optional.of("a withdrawal goes to the treasury");
    };
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
