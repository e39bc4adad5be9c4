package chatterbox.account;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PinPolicyTest {

  private static final String ID = "19900715-12345-67890-12";

  @ParameterizedTest
  @CsvSource({
      "123, must be exactly 4 digits",
      "12345, must be exactly 4 digits",
      "12a4, must be exactly 4 digits",
      "7777, must not be one digit repeated",
      "3456, must not be a straight sequence of digits",
      "8765, must not be a straight sequence of digits",
      "2580, is one of the most common PINs; choose another",
      "1990, must not be part of your date of birth",
      "0715, must not be part of your date of birth",
      "1507, must not be part of your date of birth"})
  void refusesGuessablePins(String pin, String message) {
    assertEquals(message, PinPolicy.problem(pin, ID).orElse("accepted"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"4826", "9152", "3071", "6048"})
  void acceptsOrdinaryPins(String pin) {
    assertTrue(PinPolicy.problem(pin, ID).isEmpty(), pin);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0000", "4826", "9999"})
  void aWellFormedPinIsFourAsciiDigits(String pin) {
    assertTrue(PinPolicy.isWellFormed(pin), pin);
  }

  // Digits of other scripts count as digits for Character.isDigit, not for a PIN pad.
  @ParameterizedTest
  @ValueSource(strings = {"", "123", "12345", "12a4", " 123", "123 ", "\u0661\u0662\u0663\u0664", "\uff11\uff12\uff13\uff14"})
  void anythingElseIsNotAPin(String pin) {
    assertFalse(PinPolicy.isWellFormed(pin), pin);
    assertEquals(PinPolicy.NOT_WELL_FORMED, PinPolicy.problem(pin, null).orElse("accepted"));
  }

  @Test
  void noPinIsNotAPin() {
    assertFalse(PinPolicy.isWellFormed(null));
  }
}
