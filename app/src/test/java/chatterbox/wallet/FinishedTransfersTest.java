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
    var window = FinishedTransfers.of(List.of("a", "b", "c", "d")).add("e", 2);

    assertEquals(List.of("d", "e"), window.oldestFirst());
  }

  @Test
  void addingLeavesTheOriginalUnchanged() {
    var original = FinishedTransfers.of(List.of("a"));

    original.add("b", 1);

    assertEquals(List.of("a"), original.oldestFirst());
  }

  @Test
  void equalityFollowsTheOrder() {
    assertEquals(FinishedTransfers.of(List.of("a", "b")), FinishedTransfers.NONE.add("a", 5).add("b", 5));
    assertFalse(FinishedTransfers.of(List.of("a", "b")).equals(FinishedTransfers.of(List.of("b", "a"))));
  }

  @Test
  void capacityMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> FinishedTransfers.NONE.add("a", 0));
  }

  @Test
  void behavesLikeAnInsertionOrderedSetThatForgetsItsOldest() {
    var random = new java.util.Random(7);
    for (int round = 0; round < 200; round++) {
      int capacity = 1 + random.nextInt(8);
      var model = new java.util.LinkedHashSet<String>();
      var window = FinishedTransfers.NONE;
      for (int step = 0; step < 60; step++) {
        var id = "t" + random.nextInt(12); // few ids, so repeats and re-adds of forgotten ids happen
        window = window.add(id, capacity);
        model.add(id);
        while (model.size() > capacity) model.remove(model.iterator().next());
        assertEquals(List.copyOf(model), window.oldestFirst(), "round " + round + ", step " + step);
        assertEquals(model.contains("t0"), window.contains("t0"));
      }
    }
  }
}
