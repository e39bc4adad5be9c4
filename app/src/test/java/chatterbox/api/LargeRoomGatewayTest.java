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

  private static String roomId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Types {@code /join room} in {@code client}'s session and answers the room its ROOM_JOINED describes. */
  private static JsonNode join(GatewayClient client, String room) {
    client.input("general", "/join " + room, UUID.randomUUID().toString());
    return client.expectDispatch("ROOM_JOINED", d -> d.path("room").path("id").asText().equals(room)).path("room");
  }

  /** {@code newcomer} connects and joins {@code room}, where {@code member}'s session sees them join. */
  private static GatewayClient joinsBeside(Users.LoggedIn newcomer, String room, GatewayClient member) {
    var client = identified(newcomer);
    client.expectDispatch("READY");
    join(client, room);
    member.expectDispatch("MEMBER_JOINED", d -> d.path("room").asText().equals(room)
        && d.path("username").asText().equals(newcomer.username()));
    return client;
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
    String trio = roomId("trio");
    String duo = roomId("duo");
    String pairWithC = roomId("pair");
    var cc = identified(c);
    cc.expectDispatch("READY");
    join(cc, trio);
    join(cc, pairWithC);
    try (var ca = identified(a); var cb = identified(b)) {
      ca.expectDispatch("READY");
      var smallTrio = join(ca, trio);
      assertFalse(smallTrio.path("large").asBoolean(), smallTrio.toString());
      assertEquals(2, smallTrio.path("member_count").asInt());
      assertEquals(2, smallTrio.path("members").size(), "a small room lists its members");

      // b is at least the third in general and the third in the trio: both are large for b's session.
      var general = room(cb.expectDispatch("READY"), "general");
      assertTrue(general.path("large").asBoolean(), general.toString());
      assertTrue(general.path("member_count").asInt() >= 3, general.toString());
      assertTrue(general.path("members").isMissingNode(), "a large room's members are not sent: " + general);
      var largeTrio = join(cb, trio);
      assertTrue(largeTrio.path("large").asBoolean(), largeTrio.toString());
      assertEquals(3, largeTrio.path("member_count").asInt());
      assertTrue(largeTrio.path("members").isMissingNode(), largeTrio.toString());
      // The trio had two members when a took it: now it has three, and is large for a's session too.
      var grown = ca.expectDispatch("ROOM_BECAME_LARGE", d -> d.path("room").asText().equals(trio));
      assertEquals(3, grown.path("member_count").asInt(), grown.toString());
      join(ca, pairWithC);

      // a and b also share a small room.
      join(ca, duo);
      var smallDuo = join(cb, duo);
      assertFalse(smallDuo.path("large").asBoolean());
      assertEquals(2, smallDuo.path("members").size());

      // c, who shares only large rooms with b, leaves: a (who shares a small pair with c) is told, b is not.
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
    String pair = roomId("pair");
    try (var cx = identified(x)) {
      cx.expectDispatch("READY");
      join(cx, pair);
      // y exists only after x's READY and ROOM_JOINED: x's session hears of y through MEMBER_JOINED alone.
      var y = user("later_y");
      var cy = joinsBeside(y, pair, cx);
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

  @Test
  void aSmallRoomThatGrowsPastTheThresholdBecomesLargeForTheSessionsThatHadItSmall() {
    var first = user("grow_first");
    var second = user("grow_second");
    var third = user("grow_third");
    String club = roomId("club");
    try (var c1 = identified(first); var c2 = identified(second); var c3 = identified(third)) {
      c1.expectDispatch("READY");
      c2.expectDispatch("READY");
      c3.expectDispatch("READY");
      join(c1, club);
      var joined = join(c2, club);
      assertFalse(joined.path("large").asBoolean(), "two members, threshold 2: small");
      c1.expectDispatch("MEMBER_JOINED", d -> d.path("room").asText().equals(club));

      // The third member takes the club past the threshold: the sessions that had it small are told,
      // after the join that did it, and stop showing its members' presence.
      join(c3, club);
      var join = c1.expectDispatch("MEMBER_JOINED", d -> d.path("username").asText().equals(third.username()));
      var large = c1.expectDispatch("ROOM_BECAME_LARGE");
      assertEquals(club, large.path("room").asText());
      assertEquals(3, large.path("member_count").asInt(), large.toString());
      assertEquals(join.path("seq").asLong(), large.path("seq").asLong(), large.toString());
      c2.expectDispatch("ROOM_BECAME_LARGE", d -> d.path("room").asText().equals(club));

      // first and second now share only large rooms: second's going is not first's business. Fences
      // that make the check sound: third shares a small room with second, so the node's presence relay
      // has handled second's going once third hears of it; first shares a small room with fourth, who
      // goes after that, and the relay tells first of fourth after anything it told first of second.
      String secondAndThird = roomId("st");
      join(c2, secondAndThird);
      join(c3, secondAndThird);
      var fourth = user("grow_fourth");
      String firstAndFourth = roomId("ff");
      join(c1, firstAndFourth);
      var c4 = joinsBeside(fourth, firstAndFourth, c1);

      c2.close();
      c3.awaitSeen(f -> presenceOf(f, second, "offline"), "second offline, for third");
      c4.close();
      c1.awaitSeen(f -> presenceOf(f, fourth, "offline"), "fourth offline, for first");
      assertTrue(c1.seen().stream().noneMatch(f -> presenceOf(f, second, "offline")),
          "presence of a member of a room that became large: " + c1.seen());
    }
  }
}
