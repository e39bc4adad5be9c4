package chatterbox.gateway;

import chatterbox.gateway.GatewayProtocol.CloseCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The frame decoder: every input is a typed frame or a refusal with the documented close code. */
class GatewayProtocolTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{op:1                                   | DECODE_ERROR",
      "[1,2,3]                                 | DECODE_ERROR",
      "42                                      | DECODE_ERROR",
      "''                                      | DECODE_ERROR",
      "{\"op\":\"1\"}                          | DECODE_ERROR",
      "{\"op\":1.5}                            | DECODE_ERROR",
      "{\"op\":99999999999}                    | DECODE_ERROR",
      "{\"op\":42}                             | UNKNOWN_OPCODE",
      "{\"op\":0,\"d\":{}}                     | UNKNOWN_OPCODE",
      "{\"op\":2,\"d\":{\"token\":7}}          | DECODE_ERROR",
      "{\"op\":2,\"d\":\"tok\"}                | DECODE_ERROR",
      "{\"op\":3,\"d\":{\"room\":\"g\"}}       | DECODE_ERROR",
      "{\"op\":4,\"d\":{\"pin\":\"1234\"}}     | DECODE_ERROR",
      "{\"op\":6,\"d\":{\"token\":\"t\",\"session_id\":\"s\",\"seq\":-1}} | DECODE_ERROR",
      "{\"op\":1,\"d\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}              | DECODE_ERROR"})
  void refusals(String frame, CloseCode expected) {
    var decoded = GatewayProtocol.decode(frame);
    assertNull(decoded.frame(), frame);
    assertEquals(expected, decoded.refusal().code(), frame);
  }

  @Test
  void wellFormedFrames() {
    assertEquals(new GatewayProtocol.Heartbeat(null), GatewayProtocol.decode("{\"op\":1,\"d\":null}").frame());
    assertEquals(new GatewayProtocol.Heartbeat(7L), GatewayProtocol.decode("{\"op\":1,\"d\":7}").frame());
    assertEquals(new GatewayProtocol.Identify("t"), GatewayProtocol.decode("{\"op\":2,\"d\":{\"token\":\"t\"}}").frame());
    assertEquals(new GatewayProtocol.Input("general", "hi", null),
        GatewayProtocol.decode("{\"op\":3,\"d\":{\"room\":\"general\",\"text\":\"hi\"}}").frame());
    assertEquals(new GatewayProtocol.Resume("t", "s", 3),
        GatewayProtocol.decode("{\"op\":6,\"d\":{\"token\":\"t\",\"session_id\":\"s\",\"seq\":3},\"s\":null}").frame());
    assertEquals(new GatewayProtocol.Confirm("x", "1234"),
        GatewayProtocol.decode("{\"op\":4,\"d\":{\"transfer_id\":\"x\",\"pin\":\"1234\"}}").frame());
  }
}
