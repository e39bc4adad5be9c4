package chatterbox.room;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which seqs a history page covers, for a room whose entries are seq 1 to 10. */
class HistoryRangeTest {

  private static HistoryRange page(Long before, Long after, int limit) {
    return HistoryRange.of(10, before, after, limit);
  }

  @Test
  void theLatestPageEndsAtTheLastEntry() {
    assertEquals(new HistoryRange(8, 10, true), page(null, null, 3));
    assertEquals(new HistoryRange(1, 10, false), page(null, null, 10));
    assertEquals(new HistoryRange(1, 10, false), page(null, null, 50));
  }

  @Test
  void beforePagesBackwardsUntilTheFirstEntry() {
    assertEquals(new HistoryRange(5, 7, true), page(8L, null, 3));
    assertEquals(new HistoryRange(1, 3, false), page(4L, null, 3));
    assertEquals(new HistoryRange(1, 1, false), page(2L, null, 3));
    assertTrue(page(1L, null, 3).isEmpty());
    assertEquals(new HistoryRange(8, 10, true), page(1_000L, null, 3), "before beyond the end is the latest page");
  }

  @Test
  void afterPagesForwardsUntilTheLastEntry() {
    assertEquals(new HistoryRange(4, 6, true), page(null, 3L, 3));
    assertEquals(new HistoryRange(8, 10, false), page(null, 7L, 3));
    assertEquals(new HistoryRange(9, 10, false), page(null, 8L, 50));
    var beyond = page(null, Long.MAX_VALUE, 3);
    assertTrue(beyond.isEmpty(), beyond.toString());
    assertFalse(beyond.hasMore());
  }

  @Test
  void anEmptyRoomHasAnEmptyPage() {
    var empty = HistoryRange.of(0, null, null, 50);
    assertTrue(empty.isEmpty());
    assertFalse(empty.hasMore());
  }

  @Test
  void beforeAndAfterTogetherAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> page(5L, 2L, 3));
  }
}
