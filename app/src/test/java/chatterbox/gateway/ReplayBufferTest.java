package chatterbox.gateway;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayBufferTest {

  private static String payload(long seq) {
    return "{\"n\":" + seq + "}";
  }

  private static ReplayBuffer filledTo(int capacity, long latest) {
    var buffer = new ReplayBuffer(capacity);
    LongStream.rangeClosed(1, latest).forEach(seq -> buffer.add(seq, seq % 2 == 0 ? "EVEN" : "ODD", payload(seq)));
    return buffer;
  }

  private static List<String> frames(long fromSeq, long toSeq) {
    return LongStream.rangeClosed(fromSeq, toSeq)
        .mapToObj(seq -> GatewayProtocol.dispatch(seq, seq % 2 == 0 ? "EVEN" : "ODD", payload(seq))).toList();
  }

  @Test
  void beforeItWrapsItReplaysEverythingAfterTheClientsSeqInOrder() {
    var buffer = filledTo(1000, 40); // past the first doublings of its arrays
    assertEquals(frames(1, 40), buffer.framesAfter(0));
    assertEquals(frames(38, 40), buffer.framesAfter(37));
    assertEquals(List.of(), buffer.framesAfter(40));
    assertTrue(buffer.covers(0));
    assertTrue(buffer.covers(40));
  }

  @Test
  void onceFullTheOldestGoFirstAndAClientThatMissedThemCannotResume() {
    var buffer = filledTo(100, 1234);
    assertEquals(100, buffer.size());
    assertEquals(frames(1135, 1234), buffer.framesAfter(1134));
    assertEquals(frames(1200, 1234), buffer.framesAfter(1199));
    assertTrue(buffer.covers(1134), "everything after 1134 is kept");
    assertFalse(buffer.covers(1133), "1134 itself is gone");
    assertFalse(buffer.covers(0));
  }

  @Test
  void aClientAheadOfTheSessionCannotResume() {
    var buffer = filledTo(100, 7);
    assertFalse(buffer.covers(8));
    assertFalse(new ReplayBuffer(100).covers(1));
    assertTrue(new ReplayBuffer(100).covers(0), "a session that sent nothing resumes a client that saw nothing");
  }

  @Test
  void withoutCapacityOnlyAClientThatMissedNothingResumes() {
    var buffer = filledTo(0, 5);
    assertEquals(0, buffer.size());
    assertTrue(buffer.covers(5));
    assertFalse(buffer.covers(4));
    assertEquals(List.of(), buffer.framesAfter(5));
  }

  @Test
  void theNumberingMustHaveNoHoles() {
    var buffer = filledTo(10, 3);
    assertThrows(IllegalArgumentException.class, () -> buffer.add(5, "ODD", payload(5)));
    assertThrows(IllegalArgumentException.class, () -> buffer.add(3, "ODD", payload(3)));
    assertThrows(IllegalArgumentException.class, () -> new ReplayBuffer(-1));
  }
}
