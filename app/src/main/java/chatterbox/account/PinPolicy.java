package chatterbox.account;

import chatterbox.platform.identity.NationalId;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which 4-digit PINs a person may choose. Four digits give only 10,000 choices and people pick
 * the same few, so the most guessable ones are refused: repeated digits, straight runs, the
 * commonly published top list, and the parts of the birth date that the national ID gives away.
 */
public final class PinPolicy {

  /** The most frequently chosen 4-digit PINs in published analyses of leaked PIN sets. */
  private static final Set<String> COMMON = Set.of(
      "1234", "1111", "0000", "1212", "7777", "1004", "2000", "4444", "2222", "6969",
      "9999", "3333", "5555", "6666", "1122", "1313", "8888", "4321", "2001", "1010",
      "2580", "0852", "1230", "0987", "5683", "1357", "2468", "1990", "1991", "1992",
      "1985", "1986", "1987", "1988", "1989", "1980", "1999", "2002", "2003", "2004",
      "2005", "2006", "2007", "2008", "2009", "2010", "2011", "2012", "2020", "2021",
      "2022", "2023", "2024", "2025", "0101", "0202", "0303", "0404", "0505", "0606",
      "0707", "0808", "0909", "1100", "1123", "1200", "1221", "1231", "1414", "1515",
      "1616", "1717", "1818", "1919", "2112", "2121", "2323", "3434", "4545", "5656",
      "6789", "7890", "0123", "3210", "5432", "6543", "7654", "8765", "9876", "0001",
      "1000", "0007", "1023", "1029", "2014", "1369", "1470", "0258", "9630", "8520");

  /** Why a PIN that is not {@link #isWellFormed well formed} is refused, wherever one is typed. */
  public static final String NOT_WELL_FORMED = "must be exactly 4 digits";

  private PinPolicy() {}

  /**
   * Whether {@code pin} is exactly four ASCII digits: the form every PIN has, checked before
   * anything asks an account (on every login and payment, so without a regular expression).
   */
  public static boolean isWellFormed(String pin) {
    if (pin == null || pin.length() != 4) return false;
    for (int i = 0; i < 4; i++) {
      char c = pin.charAt(i);
      if (c < '0' || c > '9') return false;
    }
    return true;
  }

  /**
   * Why {@code pin} may not be chosen, or empty when it may.
   *
   * @param nationalId the person's national ID (any accepted form), or null when not known
   */
  public static Optional<String> problem(String pin, String nationalId) {
    if (!isWellFormed(pin)) return Optional.of(NOT_WELL_FORMED);
    if (pin.chars().distinct().count() == 1) return Optional.of("must not be one digit repeated");
    if (isStraightRun(pin)) return Optional.of("must not be a straight sequence of digits");
    if (nationalId != null && birthDateParts(nationalId).contains(pin)) {
      return Optional.of("must not be part of your date of birth");
    }
    if (COMMON.contains(pin)) return Optional.of("is one of the most common PINs; choose another");
    return Optional.empty();
  }

  private static boolean isStraightRun(String pin) {
    int step = pin.charAt(1) - pin.charAt(0);
    if (Math.abs(step) != 1) return false;
    for (int i = 2; i < pin.length(); i++) {
      if (pin.charAt(i) - pin.charAt(i - 1) != step) return false;
    }
    return true;
  }

  /** YYYY, MMDD and DDMM of the birth date in the ID's first 8 digits. */
  private static Set<String> birthDateParts(String nationalId) {
    var digits = NationalId.normalize(nationalId);
    if (digits.length() < 8 || !digits.substring(0, 8).chars().allMatch(Character::isDigit)) return Set.of();
    var yyyy = digits.substring(0, 4);
    var mm = digits.substring(4, 6);
    var dd = digits.substring(6, 8);
    return Stream.of(yyyy, mm + dd, dd + mm).collect(Collectors.toSet()); // MMDD = DDMM on 10 Oct
  }
}
