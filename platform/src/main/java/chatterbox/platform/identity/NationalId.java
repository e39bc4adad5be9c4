package chatterbox.platform.identity;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Tanzanian NIDA number: 20 digits, written {@code YYYYMMDD-NNNNN-NNNNN-NN}, whose first eight
 * digits are the holder's date of birth. Accepted with or without the dashes; kept as 20 digits.
 */
public final class NationalId {

  private static final Pattern DASHED = Pattern.compile("\\d{8}-\\d{5}-\\d{5}-\\d{2}");
  private static final Pattern PLAIN = Pattern.compile("\\d{20}");
  static final LocalDate EARLIEST_BIRTH = LocalDate.of(1900, 1, 1);

  private NationalId() {}

  /** Why {@code raw} is not a valid national ID as of {@code today}, or empty when it is. */
  public static Optional<String> problem(String raw, LocalDate today) {
    if (raw == null || raw.isBlank()) return Optional.of("is required");
    var trimmed = raw.trim();
    if (!DASHED.matcher(trimmed).matches() && !PLAIN.matcher(trimmed).matches()) {
      return Optional.of("must be 20 digits, written YYYYMMDD-NNNNN-NNNNN-NN");
    }
    var birth = birthDate(normalize(trimmed));
    if (birth.isEmpty()) return Optional.of("must start with a real date of birth (YYYYMMDD)");
    if (!birth.get().isBefore(today)) return Optional.of("must start with a date of birth in the past");
    if (birth.get().isBefore(EARLIEST_BIRTH)) return Optional.of("must start with a date of birth after 1900");
    return Optional.empty();
  }

  /** The 20 digits of a valid ID, dashes removed. */
  public static String normalize(String raw) {
    return raw.trim().replace("-", "");
  }

  /** The ID in its display form {@code YYYYMMDD-NNNNN-NNNNN-NN}. */
  public static String format(String digits) {
    var d = normalize(digits);
    return d.substring(0, 8) + "-" + d.substring(8, 13) + "-" + d.substring(13, 18) + "-" + d.substring(18);
  }

  /** The date of birth its first eight digits spell, if they spell one. */
  public static Optional<LocalDate> birthDate(String digits) {
    try {
      return Optional.of(LocalDate.of(
          Integer.parseInt(digits.substring(0, 4)),
          Integer.parseInt(digits.substring(4, 6)),
          Integer.parseInt(digits.substring(6, 8))));
    } catch (DateTimeException | NumberFormatException | IndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }
}
