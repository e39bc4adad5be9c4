package chatterbox.account;

import chatterbox.platform.identity.FullName;
import chatterbox.platform.identity.NationalId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;

import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sign-up validators answer every input with "valid" or a reason; valid values round-trip. */
class SignUpValidatorProperties {

  private static final LocalDate TODAY = LocalDate.of(2026, 11, 25);

  @Property(tries = 2000)
  void validatorsNeverThrow(@ForAll String anything) {
    Username.problem(anything);
    FullName.problem(anything);
    NationalId.problem(anything, TODAY);
    PinPolicy.problem(anything, anything);
    PinPolicy.problem(anything, null);
  }

  @Property(tries = 2000)
  void validNationalIdsNormalizeAndFormatBack(
      @ForAll @IntRange(min = 1900, max = 2025) int year, @ForAll @IntRange(min = 1, max = 12) int month,
      @ForAll @IntRange(min = 1, max = 28) int day, @ForAll @NumericChars @StringLength(12) String rest) {
    var digits = String.format("%04d%02d%02d", year, month, day) + rest;
    var dashed = NationalId.format(digits);
    assertTrue(NationalId.problem(dashed, TODAY).isEmpty(), dashed);
    assertTrue(NationalId.problem(digits, TODAY).isEmpty(), digits);
    assertEquals(digits, NationalId.normalize(dashed));
  }

  @Property(tries = 1000)
  void acceptedUsernamesAreTheirOwnCanonicalForm(@ForAll String anything) {
    if (Username.isValid(anything)) {
      var canonical = Username.normalize(anything);
      assertTrue(canonical.matches("[a-z0-9_]{3,32}"), canonical);
      assertEquals(canonical, Username.normalize(canonical));
    }
  }
}
