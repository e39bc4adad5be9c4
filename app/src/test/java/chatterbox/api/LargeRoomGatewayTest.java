package chatterbox.api;

import chatterbox.testing.GatewayClient;
import chatterbox.testing.TestStack;
import chatterbox.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Large rooms over real WebSocket connections (docs/protocol.md): a session takes a room with more
 * members than {@code chatterbox.gateway.large-room} by its count, without its members or their
 * presence, and still gets its events and pays its members. Its own stack, so that it alone decides
 * who is in {@code general}; the threshold is 2.
 */
class LargeRoomGatewayTest {

  private static final Duration BEAT = Duration.ofMillis(500);
  private static TestStack stack;

  @BeforeAll
  static void start() {
    stack = TestStack.start(Map.of("chatterbox.gateway.heartbeat-interval", "1s", "chatterbox.gateway.large-room", 2));
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  private static GatewayClient identified(Users.LoggedIn user) {
    return stack.identified(user, BEAT);
  }

  private static Users.LoggedIn user(String prefix) {
    return Users.signUpAndLogIn(stack.api(), prefix);
  }

  private static JsonNode room(JsonNode ready, String id) {
    for (var room : ready.path("rooms")) if (room.path("id").asText().equals(id)) return room;
    throw new AssertionError("no room " + id + " in " + ready);
  }

  private static boolean presenceOf(JsonNode frame, Users.LoggedIn user, String status) {
    return "PRESENCE_UPDATE".equals(frame.path("t").asText())
        && frame.path("d").path("username").asText().equals(user.username())
        && frame.path("d").path("status").asText().equals(status);
  }

  @Test
  void aLargeRoomIsToldByItsCountWithoutMembersOrTheirPresence() {
    var a = user("large_a");
    var b = user("large_b");
    var c = user("large_c");
    String trio = "trio-" + UUID.randomUUID().toString().substring(0, 8);
    String duo = "duo-" + UUID.randomUUID().toString().substring(0, 8);
    var cc = identified(c);
    cc.expectDispatch("READY");
    cc.input("general", "/join " + trio, "j0");
    cc.expectDispatch("ROOM_JOINED");
    try (var ca = identified(a); var cb = identified(b)) {
      ca.expectDispatch("READY");
      ca.input("general", "/join " + trio, "j1");
      var smallTrio = ca.expectDispatch("ROOM_JOINED").path("room");
      assertFalse(smallTrio.path("large").asBoolean(), smallTrio.toString());
      assertEquals(2, smallTrio.path("member_count").asInt());
      assertEquals(2, smallTrio.path("members").size(), "a small room lists its members");

      // b is at least the third in general and the third in the trio: both are large for b's session.
      var general = room(cb.expectDispatch("READY"), "general");
      assertTrue(general.path("large").asBoolean(), general.toString());
      assertTrue(general.path("member_count").asInt() >= 3, general.toString());
      assertTrue(general.path("members").isMissingNode(), "a large room's members are not sent: " + general);
      cb.input("general", "/join " + trio, "j2");
      var largeTrio = cb.expectDispatch("ROOM_JOINED").path("room");
      assertTrue(largeTrio.path("large").asBoolean(), largeTrio.toString());
      assertEquals(3, largeTrio.path("member_count").asInt());
      assertTrue(largeTrio.path("members").isMissingNode(), largeTrio.toString());

      // a and b also share a small room.
      ca.input("general", "/join " + duo, "j3");
      ca.expectDispatch("ROOM_JOINED", d -> d.path("room").path("id").asText().equals(duo));
      cb.input("general", "/join " + duo, "j4");
      var smallDuo = cb.expectDispatch("ROOM_JOINED", d -> d.path("room").path("id").asText().equals(duo)).path("room");
      assertFalse(smallDuo.path("large").asBoolean());
      assertEquals(2, smallDuo.path("members").size());

      // c, who shares only large rooms with b, leaves: a (the trio is small for a's session) is told, b is not.
      cc.close();
      ca.awaitSeen(f -> presenceOf(f, c, "offline"), "c offline, for a");
      // a, who shares the small duo with b, leaves after c: b is told, and nothing of c came before it.
      ca.close();
      cb.awaitSeen(f -> presenceOf(f, a, "offline"), "a offline, for b");
      assertTrue(cb.seen().stream().noneMatch(f -> presenceOf(f, c, "offline") || presenceOf(f, c, "online")),
          "b got presence of someone it shares only large rooms with: " + cb.seen());
    }
  }

  @Test
  void someoneWhoJoinsASmallRoomLaterIsShownToo() {
    var x = user("later_x");
    String pair = "pair-" + UUID.randomUUID().toString().substring(0, 8);
    try (var cx = identified(x)) {
      cx.expectDispatch("READY");
      cx.input("general", "/join " + pair, "j1");
      cx.expectDispatch("ROOM_JOINED");
      // y exists only after x's READY and ROOM_JOINED: x's session hears of y through MEMBER_JOINED alone.
      var y = user("later_y");
      var cy = identified(y);
      cy.expectDispatch("READY");
      cy.input("general", "/join " + pair, "j2");
      cy.expectDispatch("ROOM_JOINED");
      cx.expectDispatch("MEMBER_JOINED", d -> d.path("room").asText().equals(pair));
      cy.close();
      cx.awaitSeen(f -> presenceOf(f, y, "offline"), "y offline, for x");
    }
  }

  @Test
  void aLargeRoomStillDeliversItsEventsAndItsMembersCanBePaid() {
    var payer = user("large_payer");
    var payee = user("large_payee");
    var third = user("large_third");
    try (var cPayee = identified(payee)) {
      cPayee.expectDispatch("READY");
      identified(third).close();
      try (var cPayer = identified(payer)) {
        assertTrue(room(cPayer.expectDispatch("READY"), "general").path("large").asBoolean());

        // The room checks the payee's membership for the session, which keeps no member list here.
        cPayer.input("general", "/send " + payee.username() + " 2.50", "s1");
        var pin = cPayer.expectDispatch("TRANSFER_PIN_REQUIRED");
        assertEquals(payee.username(), pin.path("to").asText());
        cPayer.input("general", "/send nobody_here 1.00", "s2");
        var refused = cPayer.expectDispatch("TRANSFER_FAILED");
        assertEquals("not_in_room", refused.path("reason").asText(), refused.toString());

        cPayer.confirm(pin.path("transfer_id").asText(), payer.person().pin());
        assertEquals("97.50", cPayer.expectDispatch("TRANSFER_RECEIPT").path("balance").asText());
        assertEquals("102.50", cPayee.expectDispatch("TRANSFER_RECEIPT").path("balance").asText());

        // Lines and newcomers in a large room reach its members as in any other room.
        cPayee.input("general", "hello, large room", "m1");
        cPayer.expectDispatch("MESSAGE_CREATED", d -> d.path("text").asText().equals("hello, large room"));
        var newcomer = user("large_new");
        identified(newcomer).close();
        cPayer.expectDispatch("MEMBER_JOINED", d -> d.path("username").asText().equals(newcomer.username()));
      }
    }
  }
}
