package chatterbox.room;

import akka.http.javadsl.ServerBinding;
import chatterbox.testing.ApiClient;
import chatterbox.testing.ExtraRoutes;
import chatterbox.testing.TestStack;
import chatterbox.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/rooms/{id}/messages} end to end: real users and tokens, rooms journaled in a
 * real PostgreSQL, history read back from that journal over HTTP.
 *
 * <p>The routes are served on a port of their own over the app's running actor system
 * ({@link ExtraRoutes}), so the test can also reach the {@link RoomService} behind them directly.
 */
class RoomHistoryApiTest {

  private static TestStack stack;
  private static ApiClient api;
  private static RoomService rooms;
  private static ServerBinding roomsBinding;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start(Map.of("chatterbox.money.signup-grant", "0"));
    var system = stack.app().system();
    var settings = system.settings().config().getConfig("chatterbox");
    Room.init(system);
    UserRooms.init(system, Duration.ofMinutes(2), 100);
    rooms = new RoomService(system, settings.getDuration("ask-timeout"));
    var accounts = ExtraRoutes.accounts(system);
    roomsBinding = ExtraRoutes.bind(system, () -> new RoomRoutes(accounts, TestStack.OPERATOR_TOKEN, rooms).routes());
    api = new ApiClient(roomsBinding.localAddress().getPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (roomsBinding != null) roomsBinding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    stack.close();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  private static String newRoom() {
    return "r-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static Users.LoggedIn newUser(String prefix) {
    return Users.signUpAndLogIn(stack.api(), prefix);
  }

  private static ApiClient.Reply messages(String room, String query, Users.LoggedIn user) {
    return api.get("/api/rooms/" + room + "/messages" + query, user == null ? null : user.token());
  }

  private static List<Long> seqs(ApiClient.Reply page) {
    assertEquals(200, page.status(), page.toString());
    var seqs = new ArrayList<Long>();
    page.body().path("events").forEach(e -> seqs.add(e.path("seq").asLong()));
    return seqs;
  }

  private static boolean hasMore(ApiClient.Reply page) {
    assertTrue(page.body().path("has_more").isBoolean(), page.toString());
    return page.body().path("has_more").asBoolean();
  }

  @Test
  void membersPageThroughTheTimelineInBothDirections() throws Exception {
    var amani = newUser("amani");
    var baraka = newUser("baraka");
    var room = newRoom();
    await(rooms.join(room, amani.username()));
    await(rooms.join(room, baraka.username()));
    for (int i = 1; i <= 5; i++) await(rooms.post(room, amani.username(), "line " + i, "c-" + i));
    await(rooms.noticeTransfer(room, "t-" + room, amani.username(), baraka.username()));

    var all = messages(room, "", baraka);
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), seqs(all));
    assertFalse(hasMore(all));
    assertEquals(room, all.text("room"));
    assertEquals(Set.of("room", "events", "has_more"), fieldNames(all.body()));
    var events = all.body().path("events");
    assertEntry(events.get(0), Map.of("seq", "1", "type", "member_joined", "username", amani.username()));
    assertEntry(events.get(2), Map.of("seq", "3", "type", "message", "author", amani.username(), "text", "line 1",
        "nonce", "c-1"));
    assertEntry(events.get(7), Map.of("seq", "8", "type", "transfer", "from", amani.username(), "to", baraka.username()));

    var latest = messages(room, "?limit=3", baraka);
    assertEquals(List.of(6L, 7L, 8L), seqs(latest));
    assertTrue(hasMore(latest));
    var older = messages(room, "?before=6&limit=3", baraka);
    assertEquals(List.of(3L, 4L, 5L), seqs(older));
    assertTrue(hasMore(older));
    var oldest = messages(room, "?before=3&limit=3", baraka);
    assertEquals(List.of(1L, 2L), seqs(oldest));
    assertFalse(hasMore(oldest));

    var newer = messages(room, "?after=5&limit=2", baraka);
    assertEquals(List.of(6L, 7L), seqs(newer));
    assertTrue(hasMore(newer));
    var newest = messages(room, "?after=7&limit=10", baraka);
    assertEquals(List.of(8L), seqs(newest));
    assertFalse(hasMore(newest));
    var nothingNewer = messages(room, "?after=8", baraka);
    assertEquals(List.of(), seqs(nothingNewer));
    assertFalse(hasMore(nothingNewer));
  }

  /** Exactly these fields and a time: nothing else (no amount, no transfer id) leaves the room. */
  private static void assertEntry(JsonNode entry, Map<String, String> expected) {
    var expectedFields = new HashSet<>(expected.keySet());
    expectedFields.add("at");
    assertEquals(expectedFields, fieldNames(entry), entry.toString());
    expected.forEach((field, value) -> assertEquals(value, entry.path(field).asText(), entry.toString()));
    Instant.parse(entry.path("at").asText());
  }

  private static Set<String> fieldNames(JsonNode object) {
    var names = new HashSet<String>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void onlyMembersReadAndOnlyRoomsThatExist() throws Exception {
    var amani = newUser("amani");
    var carol = newUser("carol");
    var room = newRoom();
    await(rooms.join(room, amani.username()));
    await(rooms.join(room, carol.username()));
    await(rooms.post(room, amani.username(), "for members only", null));

    assertEquals(200, messages(room, "", carol).status());
    await(rooms.leave(room, carol.username()));
    var leaver = messages(room, "", carol);
    assertEquals(403, leaver.status(), leaver.toString());
    assertEquals(Set.of("room"), leaver.errors().keySet());
    assertFalse(leaver.toString().contains("for members only"));

    var outsider = newUser("mallory");
    assertEquals(403, messages(room, "", outsider).status());
    assertEquals(404, messages(newRoom(), "", amani).status(), "a room nobody has joined does not exist");
    assertEquals(404, messages("Not_A_Room", "", amani).status());
    assertEquals(401, messages(room, "", null).status());
  }

  /** The room wakes beside the session check (RoomRoutes), but a closed session still reads nothing. */
  @Test
  void aMemberWhoLoggedOutReadsNothing() throws Exception {
    var amani = newUser("amani");
    var room = newRoom();
    await(rooms.join(room, amani.username()));
    await(rooms.post(room, amani.username(), "before the logout", null));
    assertEquals(List.of(1L, 2L), seqs(messages(room, "", amani)));

    assertEquals(204, stack.api().delete("/api/sessions", amani.token()).status());
    var afterLogout = messages(room, "", amani);
    assertEquals(401, afterLogout.status(), afterLogout.toString());
    assertFalse(afterLogout.toString().contains("before the logout"), afterLogout.toString());
    assertEquals(401, messages(room, "?limit=0", amani).status(), "the session is checked before the parameters");
  }

  @Test
  void badParametersAreRefusedFieldByField() throws Exception {
    var amani = newUser("amani");
    var room = newRoom();
    await(rooms.join(room, amani.username()));

    assertEquals(Set.of("limit"), refused(room, "?limit=0", amani));
    assertEquals(Set.of("limit"), refused(room, "?limit=101", amani));
    assertEquals(Set.of("limit"), refused(room, "?limit=ten", amani));
    assertEquals(Set.of("before"), refused(room, "?before=0", amani));
    assertEquals(Set.of("before"), refused(room, "?before=1.5", amani));
    assertEquals(Set.of("after"), refused(room, "?after=-1", amani));
    assertEquals(Set.of("after"), refused(room, "?before=5&after=2", amani));
    assertEquals(Set.of("before", "limit"), refused(room, "?before=x&limit=1000", amani));
    assertEquals(List.of(1L), seqs(messages(room, "?limit=100&before=2", amani)), "the bounds themselves are fine");
  }

  private static Set<String> refused(String room, String query, Users.LoggedIn user) {
    var reply = messages(room, query, user);
    assertEquals(400, reply.status(), query + ": " + reply);
    return reply.errors().keySet();
  }
}
