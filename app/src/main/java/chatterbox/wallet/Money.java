package chatterbox.wallet;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Amounts of money as the API writes them ({@code "12.50"}) and as everything else keeps them: a
 * {@code long} count of minor units (cents). Floating point never touches money: parsing is exact
 * digit arithmetic, and anything that is not a plain positive decimal with at most two fraction
 * digits is refused with a message that says what is wrong, rather than rounded or guessed at.
 */
public final class Money {

  /** Minor units in one major unit: amounts have exactly two fraction digits. */
  public static final int MINOR_UNITS = 100;
  private static final int FRACTION_DIGITS = 2;

  // ASCII digits only: \d or Character.isDigit would also accept other scripts' digits.
  private static final Pattern DECIMAL = Pattern.compile("([0-9]+)(?:\\.([0-9]+))?");

  private Money() {}

  /** The outcome of {@link #parse}: an amount, or why the text is not one. */
  public sealed interface Parsed permits Amount, Invalid {
    /** Why the text was refused (phrased to follow the field name), or empty for an amount. */
    Optional<String> problem();
  }

  /** A valid amount: strictly positive, within the limit it was parsed against. */
  public record Amount(long minorUnits) implements Parsed {
    @Override
    public Optional<String> problem() {
      return Optional.empty();
    }
  }

  /** @param message completes a sentence about the field, e.g. "amount must be greater than zero" */
  public record Invalid(String message) implements Parsed {
    @Override
    public Optional<String> problem() {
      return Optional.of(message);
    }
  }

  /** Parses an amount with no limit but the range of {@code long}. */
  public static Parsed parse(String text) {
    return parse(text, Long.MAX_VALUE);
  }

  /**
   * Parses {@code text}, such as {@code "12"}, {@code "12.5"} or {@code "12.50"}, into minor units,
   * refusing amounts above {@code limitMinorUnits} (the per-transfer maximum).
   */
  public static Parsed parse(String text, long limitMinorUnits) {
    if (limitMinorUnits <= 0) throw new IllegalArgumentException("limit must be positive: " + limitMinorUnits);
    if (text == null || text.isEmpty()) return new Invalid("is required");
    if (text.chars().anyMatch(Money::isSpace)) return new Invalid("must not contain spaces");
    if (text.startsWith("-")) return new Invalid("must be greater than zero");
    if (text.startsWith("+")) return new Invalid("must not have a sign");
    if (text.indexOf('e') >= 0 || text.indexOf('E') >= 0) return new Invalid("must be written without an exponent");
    var decimal = DECIMAL.matcher(text);
    if (!decimal.matches()) return new Invalid("must be a decimal number such as 12 or 12.50");
    var fraction = decimal.group(2) == null ? "" : decimal.group(2);
    if (fraction.length() > FRACTION_DIGITS) return new Invalid("must have at most 2 decimal places");

    long minorUnits;
    try {
      long whole = Long.parseLong(decimal.group(1));
      long cents = Long.parseLong((fraction + "00").substring(0, FRACTION_DIGITS));
      minorUnits = Math.addExact(Math.multiplyExact(whole, MINOR_UNITS), cents);
    } catch (NumberFormatException | ArithmeticException tooManyDigits) {
      return new Invalid("is too large");
    }
    if (minorUnits == 0) return new Invalid("must be greater than zero");
    if (minorUnits > limitMinorUnits) return new Invalid("must be at most " + format(limitMinorUnits));
    return new Amount(minorUnits);
  }

  // isWhitespace misses the no-break spaces, which isSpaceChar catches.
  private static boolean isSpace(int c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  /**
   * The API form of an amount: always two fraction digits, a leading minus for negative amounts
   * (only the treasury's balance is ever negative). {@code 1250} is {@code "12.50"}.
   */
  public static String format(long minorUnits) {
    return BigDecimal.valueOf(minorUnits, FRACTION_DIGITS).toPlainString();
  }
}
