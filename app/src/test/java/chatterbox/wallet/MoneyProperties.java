package chatterbox.wallet;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Amount parsing is total and exact: every string is an amount in range or a clear refusal. */
class MoneyProperties {

  private static final long LIMIT = 10_000_00L;

  @Property(tries = 3000)
  void anyStringIsAnAmountInRangeOrARefusal(@ForAll String text) {
    var parsed = Money.parse(text, LIMIT);
    if (parsed instanceof Money.Amount amount) {
      assertTrue(amount.minorUnits() > 0 && amount.minorUnits() <= LIMIT, text);
    } else {
      assertTrue(parsed.problem().isPresent() && !parsed.problem().get().isBlank(), text);
    }
  }

  @Property(tries = 3000)
  void formattingAndParsingRoundTrip(@ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long minorUnits) {
    assertEquals(new Money.Amount(minorUnits), Money.parse(Money.format(minorUnits)));
  }
}
