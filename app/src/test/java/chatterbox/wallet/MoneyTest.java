package chatterbox.wallet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MoneyTest {

  @ParameterizedTest(name = "\"{0}\" is {1} minor units")
  @CsvSource({
      "12, 1200",
      "12.5, 1250",
      "12.50, 1250",
      "0.01, 1",
      "0.1, 10",
      "1.05, 105",
      "007, 700",
      "10000.00, 1000000",
      "92233720368547758.07, 9223372036854775807",
  })
  void acceptsPlainDecimalsWithUpToTwoFractionDigits(String text, long minorUnits) {
    assertEquals(new Money.Amount(minorUnits), Money.parse(text));
  }

  @ParameterizedTest(name = "\"{0}\": {1}")
  @CsvSource(delimiter = '|', value = {
      "-5        | must be greater than zero",
      "-0.01     | must be greater than zero",
      "0         | must be greater than zero",
      "0.00      | must be greater than zero",
      "+5        | must not have a sign",
      "12.345    | must have at most 2 decimal places",
      "12.500    | must have at most 2 decimal places",
      "1e5       | must be written without an exponent",
      "1E5       | must be written without an exponent",
      "12.       | must be a decimal number such as 12 or 12.50",
      ".5        | must be a decimal number such as 12 or 12.50",
      "abc       | must be a decimal number such as 12 or 12.50",
      "12,50     | must be a decimal number such as 12 or 12.50",
      "1.2.3     | must be a decimal number such as 12 or 12.50",
      "0x10      | must be a decimal number such as 12 or 12.50",
      "١٢        | must be a decimal number such as 12 or 12.50",
      "NaN       | must be a decimal number such as 12 or 12.50",
      "Infinity  | must be a decimal number such as 12 or 12.50",
      "92233720368547758.08 | is too large",
      "99999999999999999999 | is too large",
  })
  void refusesAnythingElseSayingWhy(String text, String problem) {
    assertEquals(new Money.Invalid(problem), Money.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {" 12", "12 ", "1 2", "12\t", "\u00a012"})
  void refusesSpaces(String text) {
    assertEquals(new Money.Invalid("must not contain spaces"), Money.parse(text));
  }

  @ParameterizedTest
  @NullAndEmptySource
  void requiresAnAmount(String text) {
    assertEquals(new Money.Invalid("is required"), Money.parse(text));
  }

  @ParameterizedTest(name = "\"{0}\" against a limit of 100.00")
  @CsvSource(delimiter = '|', value = {
      "100     | ",
      "100.00  | ",
      "99.99   | ",
      "100.01  | must be at most 100.00",
      "5000    | must be at most 100.00",
  })
  void refusesAmountsOverTheLimit(String text, String problem) {
    var parsed = Money.parse(text, 10_000);

    assertEquals(java.util.Optional.ofNullable(problem), parsed.problem());
  }

  @Test
  void theLimitMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> Money.parse("1", 0));
  }

  @ParameterizedTest(name = "{0} is \"{1}\"")
  @CsvSource({
      "0, 0.00",
      "5, 0.05",
      "10, 0.10",
      "1250, 12.50",
      "1200, 12.00",
      "-1250, -12.50",
      "-5, -0.05",
      "9223372036854775807, 92233720368547758.07",
      "-9223372036854775808, -92233720368547758.08",
  })
  void formatsWithExactlyTwoFractionDigits(long minorUnits, String text) {
    assertEquals(text, Money.format(minorUnits));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 9, 10, 99, 100, 101, 123456789, Long.MAX_VALUE})
  void formattedAmountsParseBackToThemselves(long minorUnits) {
    assertEquals(new Money.Amount(minorUnits), Money.parse(Money.format(minorUnits)));
  }
}
