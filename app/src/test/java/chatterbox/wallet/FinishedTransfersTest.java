package chatterbox.wallet;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FinishedTransfersTest {

  @Test
  void keepsTheNewestIdsUpToItsCapacityOldestFirst() {
    var window = FinishedTransfers.NONE.add("a", 2).add("b", 2).add("c", 2);

    assertEquals(List.of("b", "c"), window.oldestFirst());
    assertFalse(window.contains("a"));
    assertTrue(window.contains("b"));
    assertTrue(window.contains("c"));
  }

  @Test
  void anIdAddedAgainKeepsItsPlace() {
    var window = FinishedTransfers.NONE.add("a", 3).add("b", 3).add("a", 3);

    assertEquals(List.of("a", "b"), window.oldestFirst());
  }

  @Test
  void aSmallerCapacityForgetsAsManyOfTheOldestAsItMust() {
    var window = new FinishedTransfers(List.of("a", "b", "c", "d")).add("e", 2);

    assertEquals(List.of("d", "e"), window.oldestFirst());
  }

  @Test
  void addingLeavesTheOriginalUnchanged() {
    var original = new FinishedTransfers(List.of("a"));

    original.add("b", 1);

    assertEquals(List.of("a"), original.oldestFirst());
  }

  @Test
  void equalityFollowsTheOrder() {
    assertEquals(new FinishedTransfers(List.of("a", "b")), FinishedTransfers.NONE.add("a", 5).add("b", 5));
    assertFalse(new FinishedTransfers(List.of("a", "b")).equals(new FinishedTransfers(List.of("b", "a"))));
  }

  @Test
  void capacityMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> FinishedTransfers.NONE.add("a", 0));
  }
}
