package chatterbox.gateway;

import chatterbox.room.Room;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Room events are encoded once per node and shared; every frame still reads as before. */
class RoomEventFramesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant AT = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  void sessionsDeliveringTheSameEventShareOneEncoding() {
    var frames = new RoomEventFrames();
    var event = new Room.MessagePosted("general", 7, "ann", "hello \"quoted\" ü", "n1", AT);
    var first = frames.encode(event);
    for (int session = 0; session < 100; session++) assertSame(first, frames.encode(event));
    // A copy (from history, or deserialized) is recognised by equality.
    assertSame(first, frames.encode(new Room.MessagePosted("general", 7, "ann", "hello \"quoted\" ü", "n1", AT)));
    assertEquals(1, frames.encodings());
    assertEquals("MESSAGE_CREATED", first.type());
  }

  @Test
  void eventsSharingASlotAreEachEncodedFromTheirOwnContent() throws Exception {
    var frames = new RoomEventFrames(1); // every event lands in the one slot
    var a = new Room.MessagePosted("r", 1, "ann", "first", "n1", AT);
    var b = new Room.MemberJoined("r", 2, "bob", AT);
    assertEquals("first", JSON.readTree(frames.encode(a).payloadJson()).path("text").asText());
    assertEquals("bob", JSON.readTree(frames.encode(b).payloadJson()).path("username").asText());
    assertEquals("first", JSON.readTree(frames.encode(a).payloadJson()).path("text").asText());
    assertEquals(3, frames.encodings());
  }

  @Test
  void aFrameAroundASharedPayloadIsTheFrameOfTheWholeObject() throws Exception {
    var event = new Room.TransferNoticed("pair", 3, "t-1", "ann", "bob", AT);
    var encoded = new RoomEventFrames().encode(event);
    var typed = Events.roomEvent(event);
    JsonNode whole = JSON.readTree(wholeFrame(42, typed.getKey(), typed.getValue()));
    var spliced = GatewayProtocol.dispatch(42, encoded.type(), encoded.payloadJson());
    assertEquals(whole, JSON.readTree(spliced));
    assertEquals("{\"op\":0,\"d\":{\"room\":\"pair\",\"seq\":3,\"at\":\"2026-11-25T10:00:00Z\",\"from\":\"ann\",\"to\":\"bob\"},"
        + "\"s\":42,\"t\":\"TRANSFER_NOTICE\"}", spliced);
  }

  @Test
  void slotsArePowersOfTwo() {
    assertThrows(IllegalArgumentException.class, () -> new RoomEventFrames(3));
    assertThrows(IllegalArgumentException.class, () -> new RoomEventFrames(0));
  }

  private static String wholeFrame(long seq, String type, JsonNode d) {
    var node = JsonNodeFactory.instance.objectNode();
    node.put("op", GatewayProtocol.DISPATCH);
    node.set("d", d);
    node.put("s", seq);
    node.put("t", type);
    return node.toString();
  }
}
