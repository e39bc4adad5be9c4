package chatterbox.api;

import chatterbox.testing.ApiClient;
import chatterbox.testing.GatewayClient;
import chatterbox.testing.TestStack;
import chatterbox.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static chatterbox.testing.GatewayClient.membersOnline;
import static chatterbox.testing.GatewayClient.roomInReady;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway protocol end to end, over real WebSocket connections to the app on PostgreSQL. */
class GatewayTest {

  private static final Duration BEAT = Duration.ofMillis(500);
  private static TestStack stack;
  private static ApiClient api;
  private static int port;

  @BeforeAll
  static void start() {
    stack = TestStack.start(Map.of(
        "chatterbox.gateway.heartbeat-interval", "1s",
        "chatterbox.gateway.resume-window", "30s",
        "chatterbox.gateway.rate-limit.frames", 300,
        "chatterbox.gateway.user-rate-limit.lines", 25,
        "chatterbox.rooms.max-per-user", 3));
    api = stack.api();
    port = stack.app().httpPort();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  private static GatewayClient identified(Users.LoggedIn user) {
    return GatewayClient.identified(port, user.token(), BEAT);
  }

  private static List<Long> seqs(List<JsonNode> frames, String type, String room) {
    var seqs = new ArrayList<Long>();
    for (var frame : frames) {
      if (type.equals(frame.path("t").asText()) && room.equals(frame.path("d").path("room").asText())) {
        seqs.add(frame.path("d").path("seq").asLong());
      }
    }
    return seqs;
  }

  @Test
  void helloIdentifyReadyAndHeartbeats() {
    var amani = Users.signUpAndLogIn(api, "hello");
    try (var client = GatewayClient.connect(port)) {
      var hello = client.expectOp(10);
      assertEquals(1000, hello.path("d").path("heartbeat_interval").asLong());
      client.send(2, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("token", amani.token()));
      var ready = client.expectDispatch("READY");
      assertFalse(ready.path("session_id").asText().isEmpty());
      assertEquals(amani.username(), ready.path("user").path("username").asText());
      assertEquals("100.00", ready.path("balance").asText());
      assertEquals("general", ready.path("rooms").get(0).path("id").asText(), "everyone is in general from the first login");
      client.sendRaw("{\"op\":1,\"d\":1}");
      client.expectOp(11);
      assertEquals(1, client.seen().stream().filter(f -> f.path("t").asText().equals("READY")).count());
      assertEquals(1, client.seen().stream().filter(f -> f.path("op").asInt() == 0).findFirst().orElseThrow().path("s").asLong());
    }
  }

  @Test
  void silentConnectionIsClosedWith4009() {
    var user = Users.signUpAndLogIn(api, "silent");
    try (var client = GatewayClient.connect(port)) {
      client.expectOp(10);
      client.send(2, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("token", user.token()));
      client.expectDispatch("READY");
      assertEquals(4009, client.closeCode());
    }
  }

  @Test
  void twoUsersChatAndSeeTheSameOrder() {
    var a = Users.signUpAndLogIn(api, "chat_a");
    var b = Users.signUpAndLogIn(api, "chat_b");
    try (var ca = identified(a); var cb = identified(b)) {
      ca.expectDispatch("READY");
      cb.expectDispatch("READY");
      for (int i = 0; i < 5; i++) {
        ca.input("general", "from a " + i, "a" + i);
        cb.input("general", "from b " + i, "b" + i);
      }
      for (var client : List.of(ca, cb)) {
        for (var text : List.of("from a 4", "from b 4")) {
          client.awaitSeen(f -> f.path("d").path("text").asText().equals(text), text);
        }
      }
      var last = seqs(ca.seen(), "MESSAGE_CREATED", "general").stream().max(Long::compare).orElseThrow();

      var seenByA = seqs(ca.seen(), "MESSAGE_CREATED", "general");
      var seenByB = seqs(cb.seen(), "MESSAGE_CREATED", "general");
      var fromA = seenByA.stream().filter(s -> s > last - 10).toList();
      var fromB = seenByB.stream().filter(s -> s > last - 10).toList();
      assertEquals(fromA, fromB, "both see the same messages in the same order");
      assertEquals(10, fromA.size());
      for (int i = 1; i < fromA.size(); i++) assertEquals(fromA.get(i - 1) + 1, fromA.get(i), "contiguous room sequence");
      var echo = ca.seen().stream().filter(f -> f.path("d").path("nonce").asText().equals("a0")).findFirst().orElseThrow();
      assertEquals(a.username(), echo.path("d").path("author").asText());
    }
  }

  @Test
  void presenceFollowsTheSessions() {
    var a = Users.signUpAndLogIn(api, "pres_a");
    var b = Users.signUpAndLogIn(api, "pres_b");
    try (var ca = identified(a)) {
      ca.expectDispatch("READY");
      var cb = identified(b);
      cb.expectDispatch("READY");
      ca.expectDispatch("PRESENCE_UPDATE", d -> d.path("username").asText().equals(b.username())
          && d.path("status").asText().equals("online"));
      cb.close();
      ca.expectDispatch("PRESENCE_UPDATE", d -> d.path("username").asText().equals(b.username())
          && d.path("status").asText().equals("offline"));
    }
  }

  @Test
  void readyAndRoomJoinedSayWhichMembersOfASmallRoomAreOnline() {
    var a = Users.signUpAndLogIn(api, "online_a");
    var b = Users.signUpAndLogIn(api, "online_b");
    var c = Users.signUpAndLogIn(api, "online_c");
    var room = "room-" + UUID.randomUUID().toString().substring(0, 8);
    try (var ca = identified(a)) {
      ca.expectDispatch("READY");
      joinFromGeneral(ca, room);
      try (var cc = identified(c)) {
        cc.expectDispatch("READY");
        joinFromGeneral(cc, room);
      }
      ca.expectDispatch("PRESENCE_UPDATE", d -> d.path("username").asText().equals(c.username())
          && d.path("status").asText().equals("offline"));

      try (var cb = identified(b)) {
        cb.expectDispatch("READY");
        var joined = joinFromGeneral(cb, room);
        var online = Map.of(a.username(), true, b.username(), true, c.username(), false);
        assertEquals(online, membersOnline(joined.path("room")), joined.toString());
        try (var again = identified(b)) {
          var ready = again.expectDispatch("READY");
          assertEquals(online, membersOnline(roomInReady(ready, room)), ready.toString());
        }
      }
    }
  }

  /** Types {@code /join room} in general and returns the ROOM_JOINED that answers it. */
  private static JsonNode joinFromGeneral(GatewayClient client, String room) {
    client.input("general", "/join " + room, "join-" + room);
    return client.expectDispatch("ROOM_JOINED", d -> d.path("room").path("id").asText().equals(room));
  }

  @Test
  void joinLeaveHelpAndUnknownCommands() {
    var a = Users.signUpAndLogIn(api, "joiner");
    var b = Users.signUpAndLogIn(api, "watcher");
    var room = "room-" + UUID.randomUUID().toString().substring(0, 8);
    try (var ca = identified(a); var cb = identified(b)) {
      ca.expectDispatch("READY");
      cb.expectDispatch("READY");
      joinFromGeneral(cb, room);
      var joined = joinFromGeneral(ca, room);
      assertEquals(2, joined.path("room").path("members").size());
      cb.expectDispatch("MEMBER_JOINED", d -> d.path("room").asText().equals(room) && d.path("username").asText().equals(a.username()));

      ca.input(room, "/leave", "l1");
      ca.expectDispatch("ROOM_LEFT", d -> d.path("room").asText().equals(room));
      cb.expectDispatch("MEMBER_LEFT", d -> d.path("username").asText().equals(a.username()));
      ca.input(room, "still here?", "l2");
      assertEquals("not_a_member", ca.expectDispatch("ERROR", d -> d.path("nonce").asText().equals("l2")).path("code").asText());

      ca.input("general", "/help", "h1");
      assertEquals(4, ca.expectDispatch("HELP").path("commands").size());
      ca.input("general", "/dance", "u1");
      var unknown = ca.expectDispatch("ERROR", d -> d.path("nonce").asText().equals("u1"));
      assertEquals("unknown_command", unknown.path("code").asText());
      assertTrue(unknown.path("message").asText().contains("/join"), unknown.toString());
      ca.input("general", "/join Not_Valid!", "u2");
      assertEquals("invalid_room", ca.expectDispatch("ERROR", d -> d.path("nonce").asText().equals("u2")).path("code").asText());
      ca.input("general", "x".repeat(2001), "u3");
      assertEquals("invalid_message", ca.expectDispatch("ERROR", d -> d.path("nonce").asText().equals("u3")).path("code").asText());
    }
  }

  @Test
  void aJoinBeyondTheUsersRoomLimitIsRefusedAndChangesNothing() {
    var a = Users.signUpAndLogIn(api, "roomy");
    var suffix = UUID.randomUUID().toString().substring(0, 8);
    try (var ca = identified(a)) {
      ca.expectDispatch("READY");
      for (var room : List.of("first-" + suffix, "second-" + suffix)) { // with general, the limit of 3
        joinFromGeneral(ca, room);
      }
      ca.input("general", "/join third-" + suffix, "j-third");
      var refused = ca.expectDispatch("ERROR", d -> d.path("nonce").asText().equals("j-third"));
      assertEquals("too_many_rooms", refused.path("code").asText());
      assertTrue(refused.path("message").asText().contains("3 rooms"), refused.toString());

      ca.input("first-" + suffix, "/leave", "l-first");
      ca.expectDispatch("ROOM_LEFT", d -> d.path("room").asText().equals("first-" + suffix));
      ca.input("general", "/join third-" + suffix, "j-third-again");
      ca.expectDispatch("ROOM_JOINED", d -> d.path("room").path("id").asText().equals("third-" + suffix));
    }
    var me = api.get("/api/me", a.token()).body();
    assertEquals(3, me.path("rooms").size(), me.toString());
  }

  @Test
  void sendWithPinMovesMoneyAndBothGetReceipts() {
    var a = Users.signUpAndLogIn(api, "payer_ws");
    var b = Users.signUpAndLogIn(api, "payee_ws");
    try (var ca = identified(a); var cb = identified(b)) {
      ca.expectDispatch("READY");
      cb.expectDispatch("READY");
      ca.input("general", "/send " + b.username() + " 25.50", "s1");
      var pin = ca.expectDispatch("TRANSFER_PIN_REQUIRED");
      assertEquals(b.username(), pin.path("to").asText());
      assertEquals("25.50", pin.path("amount").asText());
      var transferId = pin.path("transfer_id").asText();

      ca.confirm(transferId, a.person().pin());
      var receiptA = ca.expectDispatch("TRANSFER_RECEIPT");
      var receiptB = cb.expectDispatch("TRANSFER_RECEIPT");
      assertEquals("out", receiptA.path("direction").asText());
      assertEquals("74.50", receiptA.path("balance").asText());
      assertEquals("in", receiptB.path("direction").asText());
      assertEquals("125.50", receiptB.path("balance").asText());
      assertEquals(a.username(), receiptB.path("from").asText());
      assertEquals(b.username(), receiptB.path("to").asText());
      assertEquals("payment", receiptB.path("kind").asText());
      // The room's notice and the private receipt come on different topics, in either order.
      var notice = cb.awaitSeen(f -> f.path("t").asText().equals("TRANSFER_NOTICE")
          && f.path("d").path("from").asText().equals(a.username()), "TRANSFER_NOTICE").path("d");
      assertFalse(notice.has("amount"), "the room does not learn the amount");
      assertEquals("74.50", Users.balance(api, a));

      ca.confirm(transferId, a.person().pin());
      assertEquals("unknown_transfer", ca.expectDispatch("TRANSFER_FAILED").path("reason").asText(), "a confirmation is used once");
      cb.confirm(transferId, b.person().pin());
      assertEquals("unknown_transfer", cb.expectDispatch("TRANSFER_FAILED").path("reason").asText(),
          "no one confirms another user's transfer");
      assertEquals("125.50", Users.balance(api, b));
    }
  }

  /** A payment over the REST API reaches both parties' open clients too, once, without a room. */
  @Test
  void aPaymentOverRestIsReceiptedToBothPartiesSessions() {
    var a = Users.signUpAndLogIn(api, "rest_payer");
    var b = Users.signUpAndLogIn(api, "rest_payee");
    try (var ca = identified(a); var cb = identified(b)) {
      ca.expectDispatch("READY");
      cb.expectDispatch("READY");
      var transferId = UUID.randomUUID().toString();
      var body = Map.of("transferId", transferId, "to", b.username(), "amount", "12.25", "pin", a.person().pin());
      assertEquals(201, api.post("/api/transfers", body, a.token()).status());

      var in = cb.expectDispatch("TRANSFER_RECEIPT");
      assertEquals("payment", in.path("kind").asText());
      assertEquals("in", in.path("direction").asText());
      assertEquals(transferId, in.path("transfer_id").asText());
      assertEquals("12.25", in.path("amount").asText());
      assertEquals("112.25", in.path("balance").asText());
      assertTrue(in.path("room").isNull(), in.toString());
      var out = ca.expectDispatch("TRANSFER_RECEIPT");
      assertEquals("out", out.path("direction").asText());
      assertEquals("87.75", out.path("balance").asText());

      // Asked again with the same id: the same answer, no second receipt (the next dispatch is HELP's).
      assertEquals(201, api.post("/api/transfers", body, a.token()).status());
      assertReceiptsSeen(cb, 1);
    }
  }

  @Test
  void anOperatorsDepositAndWithdrawalAreReceiptedToAllOfTheUsersSessions() {
    var user = Users.signUpAndLogIn(api, "deposited");
    var second = Users.logIn(api, user);
    try (var first = identified(user); var other = identified(second)) {
      first.expectDispatch("READY");
      other.expectDispatch("READY");
      var depositId = UUID.randomUUID().toString();
      var deposit = Map.of("depositId", depositId, "username", user.username(), "amount", "40.50");
      assertEquals(201, api.post("/api/admin/deposits", deposit, TestStack.OPERATOR_TOKEN).status());
      for (var session : List.of(first, other)) {
        var in = session.expectDispatch("TRANSFER_RECEIPT");
        assertEquals("deposit", in.path("kind").asText(), in.toString());
        assertEquals("in", in.path("direction").asText());
        assertTrue(in.path("from").isNull(), "the treasury is no user: " + in);
        assertEquals(user.username(), in.path("to").asText());
        assertEquals("40.50", in.path("amount").asText());
        assertEquals("140.50", in.path("balance").asText());
        assertTrue(in.path("transfer_id").asText().endsWith(depositId), in.toString());
        assertTrue(in.path("room").isNull(), in.toString());
      }

      var withdrawal = Map.of("withdrawalId", UUID.randomUUID().toString(), "username", user.username(), "amount", "0.50");
      assertEquals(201, api.post("/api/admin/withdrawals", withdrawal, TestStack.OPERATOR_TOKEN).status());
      var out = first.expectDispatch("TRANSFER_RECEIPT", d -> d.path("kind").asText().equals("withdrawal"));
      assertEquals("out", out.path("direction").asText());
      assertEquals(user.username(), out.path("from").asText());
      assertTrue(out.path("to").isNull(), out.toString());
      assertEquals("140.00", out.path("balance").asText());

      // The same deposit again moves nothing and tells nobody again (the next dispatch is HELP's).
      assertEquals(201, api.post("/api/admin/deposits", deposit, TestStack.OPERATOR_TOKEN).status());
      assertReceiptsSeen(first, 2);
    }
  }

  /** After a round trip (a /help and its HELP), so that any receipt already sent has arrived. */
  private static void assertReceiptsSeen(GatewayClient client, long receipts) {
    client.input("general", "/help", "flush-" + UUID.randomUUID());
    client.expectDispatch("HELP");
    assertEquals(receipts, client.seen().stream().filter(f -> f.path("t").asText().equals("TRANSFER_RECEIPT")).count());
  }

  @Test
  void wrongPinsAndLockoutMoveNothing() {
    var a = Users.signUpAndLogIn(api, "wrongpin");
    var b = Users.signUpAndLogIn(api, "wrongpin_to");
    try (var ca = identified(a)) {
      ca.expectDispatch("READY");
      ca.input("general", "/send " + b.username() + " 10", "s1");
      var transferId = ca.expectDispatch("TRANSFER_PIN_REQUIRED").path("transfer_id").asText();
      ca.confirm(transferId, "9152");
      var first = ca.expectDispatch("TRANSFER_FAILED");
      assertEquals("wrong_pin", first.path("reason").asText());
      assertEquals(2, first.path("attempts_left").asInt());
      ca.confirm(transferId, "9152");
      ca.expectDispatch("TRANSFER_FAILED", d -> d.path("attempts_left").asInt() == 1);
      ca.confirm(transferId, "9152");
      var locked = ca.expectDispatch("TRANSFER_FAILED", d -> d.path("reason").asText().equals("locked"));
      assertFalse(locked.path("locked_until").asText().isEmpty());
      ca.input("general", "/send " + b.username() + " 1000000", "s2");
      assertEquals("invalid_amount", ca.expectDispatch("TRANSFER_FAILED").path("reason").asText());
      ca.input("general", "/send nobody_here_at_all 1", "s3");
      assertEquals("not_in_room", ca.expectDispatch("TRANSFER_FAILED", d -> !d.path("reason").asText().equals("invalid_amount"))
          .path("reason").asText());
      assertEquals("100.00", Users.balance(api, a));
      assertEquals("100.00", Users.balance(api, b));
    }
  }

  @Test
  void droppedConnectionResumesWithNothingLostOrDuplicated() {
    var a = Users.signUpAndLogIn(api, "resumer");
    var b = Users.signUpAndLogIn(api, "talker");
    var ca = identified(a);
    var sessionId = ca.expectDispatch("READY").path("session_id").asText();
    try (var cb = identified(b)) {
      cb.expectDispatch("READY");
      cb.input("general", "before the drop", "m0");
      ca.expectDispatch("MESSAGE_CREATED", d -> d.path("nonce").asText().equals("m0"));
      long lastSeen = ca.lastSeq();
      ca.drop();
      for (int i = 1; i <= 5; i++) cb.input("general", "while away " + i, "m" + i);
      cb.expectDispatch("MESSAGE_CREATED", d -> d.path("nonce").asText().equals("m5"));

      try (var resumed = GatewayClient.connect(port)) {
        resumed.expectOp(10);
        resumed.send(6, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
            .put("token", a.token()).put("session_id", sessionId).put("seq", lastSeen));
        resumed.startHeartbeats(BEAT);
        resumed.expectDispatch("RESUMED");
        var replayed = resumed.seen().stream().filter(f -> f.path("op").asInt() == 0).toList();
        var texts = replayed.stream().filter(f -> f.path("t").asText().equals("MESSAGE_CREATED"))
            .map(f -> f.path("d").path("text").asText()).toList();
        assertEquals(List.of("while away 1", "while away 2", "while away 3", "while away 4", "while away 5"), texts);
        for (int i = 0; i < replayed.size(); i++) {
          assertEquals(lastSeen + 1 + i, replayed.get(i).path("s").asLong(), "dispatch numbering continues without a gap");
        }
        cb.input("general", "after the resume", "m6");
        resumed.expectDispatch("MESSAGE_CREATED", d -> d.path("nonce").asText().equals("m6"));
      }
    }
  }

  @Test
  void resumeOfAnUnknownSessionIsInvalid() {
    var a = Users.signUpAndLogIn(api, "lost");
    try (var client = GatewayClient.connect(port)) {
      client.expectOp(10);
      client.send(6, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
          .put("token", a.token()).put("session_id", "no-such-session").put("seq", 3));
      var invalid = client.expectOp(9);
      assertFalse(invalid.path("d").asBoolean());
      client.send(2, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("token", a.token()));
      client.startHeartbeats(BEAT);
      client.expectDispatch("READY");
    }
  }

  @Test
  void historyPagesTheTimelineForMembersOnly() {
    var a = Users.signUpAndLogIn(api, "historian");
    var outsider = Users.signUpAndLogIn(api, "outsider");
    var room = "hist-" + UUID.randomUUID().toString().substring(0, 8);
    try (var ca = identified(a)) {
      ca.expectDispatch("READY");
      joinFromGeneral(ca, room);
      for (int i = 1; i <= 7; i++) ca.input(room, "line " + i, "h" + i);
      ca.expectDispatch("MESSAGE_CREATED", d -> d.path("nonce").asText().equals("h7"));
    }
    var latest = api.get("/api/rooms/" + room + "/messages?limit=3", a.token());
    assertEquals(200, latest.status(), latest.toString());
    var events = latest.body().path("events");
    assertEquals(List.of("line 5", "line 6", "line 7"),
        List.of(events.get(0).path("text").asText(), events.get(1).path("text").asText(), events.get(2).path("text").asText()));
    assertTrue(latest.body().path("has_more").asBoolean());
    long oldest = events.get(0).path("seq").asLong();
    var older = api.get("/api/rooms/" + room + "/messages?before=" + oldest + "&limit=100", a.token());
    var olderEvents = older.body().path("events");
    assertEquals("member_joined", olderEvents.get(0).path("type").asText());
    assertEquals(oldest - 1, olderEvents.get(olderEvents.size() - 1).path("seq").asLong());
    assertFalse(older.body().path("has_more").asBoolean());
    var after = api.get("/api/rooms/" + room + "/messages?after=" + (oldest + 1), a.token());
    assertEquals(1, after.body().path("events").size());
    assertEquals(403, api.get("/api/rooms/" + room + "/messages", outsider.token()).status());
    assertEquals(404, api.get("/api/rooms/no-such-room-here/messages", a.token()).status());
    assertEquals(400, api.get("/api/rooms/" + room + "/messages?limit=101", a.token()).status());
  }

  @Test
  void logoutClosesTheUsersSockets() {
    var a = Users.signUpAndLogIn(api, "leaving");
    try (var ca = identified(a)) {
      ca.expectDispatch("READY");
      assertEquals(204, api.delete("/api/sessions", a.token()).status());
      assertEquals(4012, ca.closeCode());
    }
  }

  /** One malformed or out-of-place input and the close code it must get. */
  private record BadInput(String name, boolean identifyFirst, String frame, int closeCode) {}

  @Test
  void badFramesGetTheirDocumentedCloseCodes() {
    var user = Users.signUpAndLogIn(api, "fuzzy");
    var cases = List.of(
        new BadInput("not JSON", false, "{op:1", 4002),
        new BadInput("not an object", false, "[1,2,3]", 4002),
        new BadInput("op not an integer", false, "{\"op\":\"1\",\"d\":null}", 4002),
        new BadInput("op missing", false, "{\"d\":null}", 4002),
        new BadInput("unknown opcode", false, "{\"op\":42,\"d\":null}", 4001),
        new BadInput("a server opcode", false, "{\"op\":10,\"d\":null}", 4001),
        new BadInput("INPUT before IDENTIFY", false, "{\"op\":3,\"d\":{\"room\":\"general\",\"text\":\"hi\"}}", 4003),
        new BadInput("IDENTIFY with a number token", false, "{\"op\":2,\"d\":{\"token\":5}}", 4002),
        new BadInput("IDENTIFY with a forged token", false, "{\"op\":2,\"d\":{\"token\":\"v1.mallory.x.9999999999.sig\"}}", 4004),
        new BadInput("deep nesting", false, "{\"op\":1,\"d\":" + "[".repeat(100) + "]".repeat(100) + "}", 4002),
        new BadInput("HEARTBEAT with a string", false, "{\"op\":1,\"d\":\"x\"}", 4002),
        new BadInput("frame too large", false, "{\"op\":1,\"d\":\"" + "x".repeat(20_000) + "\"}", 4010),
        new BadInput("second IDENTIFY", true, "{\"op\":2,\"d\":{\"token\":\"" + user.token() + "\"}}", 4005),
        new BadInput("INPUT with wrong types", true, "{\"op\":3,\"d\":{\"room\":1,\"text\":true}}", 4002),
        new BadInput("CONFIRM without pin", true, "{\"op\":4,\"d\":{\"transfer_id\":\"x\"}}", 4002));
    for (var bad : cases) {
      try (var client = GatewayClient.connect(port)) {
        client.expectOp(10);
        if (bad.identifyFirst()) {
          client.send(2, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("token", user.token()));
          client.expectDispatch("READY");
        }
        client.sendRaw(bad.frame());
        assertEquals(bad.closeCode(), client.closeCode(), bad.name());
      }
    }
    try (var binary = GatewayClient.connect(port)) {
      binary.expectOp(10);
      binary.sendBinary(new byte[] {1, 2, 3});
      assertEquals(4002, binary.closeCode(), "binary frame");
    }
    try (var flood = GatewayClient.connect(port)) {
      flood.expectOp(10);
      for (int i = 0; i < 301 && !flood.isClosed(); i++) flood.sendRaw("{\"op\":1,\"d\":null}");
      assertEquals(4008, flood.closeCode(), "rate limit");
    }
    // The node is unharmed: an honest client still works.
    try (var honest = identified(user)) {
      honest.expectDispatch("READY");
    }
  }

  @Test
  void foreignOriginIsRefusedAtTheHandshake() {
    var refused = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CompletionException.class,
        () -> GatewayClient.connect(port, "https://evil.example"));
    assertTrue(refused.getCause() instanceof java.net.http.WebSocketHandshakeException, refused.toString());
    assertEquals(403, ((java.net.http.WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
    try (var devServer = GatewayClient.connect(port, "http://localhost:5173")) {
      devServer.expectOp(10);
    }
  }

  @Test
  void metricsShowTheGatewayTrafficToTheOperatorOnly() throws Exception {
    var a = Users.signUpAndLogIn(api, "metered");
    try (var ca = identified(a)) {
      ca.expectDispatch("READY");
      ca.input("general", "counted", "c1");
      ca.expectDispatch("MESSAGE_CREATED", d -> d.path("nonce").asText().equals("c1"));
      var scrape = metrics(TestStack.OPERATOR_TOKEN);
      assertEquals(200, scrape.statusCode());
      var text = scrape.body();
      assertTrue(value(text, "chatterbox_gateway_connections") >= 1, text);
      assertTrue(value(text, "chatterbox_gateway_sessions") >= 1, text);
      assertTrue(value(text, "chatterbox_messages_total") >= 1, text);
      assertTrue(value(text, "chatterbox_room_topics") >= 1, "general's topic, subscribed to here: " + text);
      assertTrue(text.contains("chatterbox_persist_latency_seconds_bucket{operation=\"message\""), text);
      assertTrue(text.contains("jvm_memory_used_bytes"), "JVM figures");
      assertEquals(403, metrics(a.token()).statusCode());
    }
  }

  @Test
  void aRoomEventIsEncodedOncePerNodeNotOncePerSession() throws Exception {
    var room = "enc-" + UUID.randomUUID().toString().substring(0, 8);
    var clients = new ArrayList<GatewayClient>();
    String lastUser = null;
    try {
      for (int i = 0; i < 4; i++) {
        var user = Users.signUpAndLogIn(api, "enc" + i);
        lastUser = user.username();
        var client = identified(user);
        clients.add(client);
        client.expectDispatch("READY");
        joinFromGeneral(client, room);
      }
      var joinedLast = lastUser; // the last joiner's ROOM_JOINED already counts its own join
      for (var client : clients.subList(0, clients.size() - 1)) {
        client.awaitSeen(f -> "MEMBER_JOINED".equals(f.path("t").asText()) && f.path("d").path("room").asText().equals(room)
            && f.path("d").path("username").asText().equals(joinedLast), "last join");
      }
      double before = value(metrics(TestStack.OPERATOR_TOKEN).body(), "chatterbox_gateway_room_event_encodings");
      clients.get(0).input(room, "once", "once");
      var payloads = new ArrayList<JsonNode>();
      for (var client : clients) payloads.add(client.expectDispatch("MESSAGE_CREATED", d -> d.path("nonce").asText().equals("once")));
      double encoded = value(metrics(TestStack.OPERATOR_TOKEN).body(), "chatterbox_gateway_room_event_encodings") - before;
      assertTrue(encoded >= 1 && encoded < clients.size(), "encodings for one message to " + clients.size() + " sessions: " + encoded);
      payloads.forEach(d -> assertEquals(payloads.get(0), d, "every session gets the same payload"));
    } finally {
      clients.forEach(GatewayClient::close);
    }
  }

  private static java.net.http.HttpResponse<String> metrics(String token) throws Exception {
    var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
        .header("Authorization", "Bearer " + token).build();
    return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  /** The value of an unlabelled sample in Prometheus text. */
  private static double value(String text, String name) {
    return text.lines().filter(line -> line.startsWith(name + " ")).mapToDouble(line -> Double.parseDouble(line.split(" ")[1]))
        .findFirst().orElseThrow(() -> new AssertionError(name + " missing"));
  }

  @Test
  void oneUserCannotFloodThroughManyConnections() {
    var spammer = Users.signUpAndLogIn(api, "spammer");
    try (var first = identified(spammer); var second = identified(spammer)) {
      first.expectDispatch("READY");
      second.expectDispatch("READY");
      for (int i = 0; i < 30; i++) (i % 2 == 0 ? first : second).input("general", "spam " + i, "sp" + i);
      // The two connections' lines race to the limit, so either may be the one refused: count both.
      var refused = chatterbox.testing.Eventually.await(Duration.ofSeconds(15), () -> {
        var errors = new ArrayList<JsonNode>();
        for (var client : List.of(first, second)) {
          for (var f : client.seen()) {
            if ("ERROR".equals(f.path("t").asText()) && "rate_limited".equals(f.path("d").path("code").asText())) {
              errors.add(f);
            }
          }
        }
        return errors;
      }, errors -> errors.size() >= 5);
      assertEquals(5, refused.size(), "the 5 lines over the allowance of 25 are refused: " + refused);
      assertTrue(refused.get(0).path("d").path("message").asText().contains("per user"), refused.toString());
      assertFalse(first.isClosed() || second.isClosed(), "the connections stay open");
    }
    // The admitted lines may still be on their way to the room: wait for them, then count.
    long posted = chatterbox.testing.Eventually.await(Duration.ofSeconds(15), () -> {
      long count = 0;
      for (var event : api.get("/api/rooms/general/messages?limit=100", spammer.token()).body().path("events")) {
        if (spammer.username().equals(event.path("author").asText())) count++;
      }
      return count;
    }, count -> count >= 25);
    assertEquals(25, posted, "exactly the user's allowance was posted, over both connections");
  }
}
