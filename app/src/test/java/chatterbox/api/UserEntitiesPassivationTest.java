package chatterbox.api;

import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.sharding.typed.ClusterShardingQuery;
import akka.cluster.sharding.typed.GetShardRegionState;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import chatterbox.account.Account;
import chatterbox.room.Room;
import chatterbox.room.UserRooms;
import chatterbox.testing.Eventually;
import chatterbox.testing.GatewayClient;
import chatterbox.testing.TestStack;
import chatterbox.testing.Users;
import chatterbox.wallet.Wallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connected user who only idles does not keep their account, wallet and room list in memory
 * ({@code chatterbox.user-entities-idle-timeout}), while the session, and the rooms, stay; the next
 * command wakes the entities from the journal with everything they held.
 */
class UserEntitiesPassivationTest {

  private static final List<EntityTypeKey<?>> USER_ENTITIES =
      List.of(Account.ENTITY_TYPE_KEY, Wallet.ENTITY_TYPE_KEY, UserRooms.ENTITY_TYPE_KEY);

  private static TestStack stack;

  @BeforeAll
  static void start() {
    stack = TestStack.start(Map.of(
        "chatterbox.user-entities-idle-timeout", "1s",
        "chatterbox.gateway.heartbeat-interval", "1s"));
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void anIdleUsersEntitiesLeaveMemoryWhileTheSessionStaysAndWakeWithTheirState() {
    var user = Users.signUpAndLogIn(stack.api(), "idler");
    var room = "idle-" + UUID.randomUUID().toString().substring(0, 8);
    try (var client = stack.identified(user, Duration.ofMillis(300))) {
      client.expectDispatch("READY");
      client.input("general", "/join " + room, "j1");
      client.expectDispatch("ROOM_JOINED", d -> d.path("room").path("id").asText().equals(room));
      for (var type : USER_ENTITIES) {
        assertTrue(awake(type).contains(user.username()), type.name() + " is awake after READY and /join");
      }

      for (var type : USER_ENTITIES) {
        Eventually.await(Duration.ofSeconds(15), () -> awake(type), ids -> !ids.contains(user.username()));
      }
      assertTrue(awake(Room.ENTITY_TYPE_KEY).containsAll(Set.of("general", room)),
          "rooms keep the node's idle timeout");
      assertFalse(client.isClosed(), "the session outlives its user's entities");
      client.sendRaw("{\"op\":1,\"d\":null}");
      client.expectOp(11);

      // A second session wakes them, with what they held: the room joined, the balance.
      try (var second = stack.identified(user, Duration.ofMillis(300))) {
        var ready = second.expectDispatch("READY");
        var rooms = new java.util.HashSet<String>();
        ready.path("rooms").forEach(r -> rooms.add(r.path("id").asText()));
        assertEquals(Set.of("general", room), rooms);
        assertEquals("100.00", ready.path("balance").asText());
      }
      for (var type : USER_ENTITIES) {
        assertTrue(awake(type).contains(user.username()), type.name() + " woken by the second session");
      }
    }
  }

  /**
   * IDENTIFY wakes the room list and the wallet that READY reads beside the account's check of the
   * session, not after it, so a returning user waits for one recovery instead of two in a row. Seen
   * through a logged-out token: the check refuses it, yet both were woken (only read: nothing of
   * the user changed).
   */
  @Test
  void identifyWakesWhatReadyReadsBesideTheSessionCheck() {
    var user = Users.signUpAndLogIn(stack.api(), "returner");
    try (var client = stack.identified(user, Duration.ofMillis(300))) {
      client.expectDispatch("READY");
    }
    assertEquals(204, stack.api().delete("/api/sessions", user.token()).status());
    for (var type : USER_ENTITIES) {
      Eventually.await(Duration.ofSeconds(15), () -> awake(type), ids -> !ids.contains(user.username()));
    }

    try (var client = GatewayClient.connect(stack.app().httpPort())) {
      client.expectOp(10);
      client.sendRaw("{\"op\":2,\"d\":{\"token\":\"" + user.token() + "\"}}");
      assertEquals(4004, client.closeCode(), "a logged-out token is refused");
    }
    assertTrue(awake(UserRooms.ENTITY_TYPE_KEY).contains(user.username()), "room list woken beside the check");
    assertTrue(awake(Wallet.ENTITY_TYPE_KEY).contains(user.username()), "wallet woken beside the check");

    var again = Users.logIn(stack.api(), user);
    try (var client = stack.identified(again, Duration.ofMillis(300))) {
      var ready = client.expectDispatch("READY");
      assertEquals(1, ready.path("rooms").size(), ready.toString());
      assertEquals("100.00", ready.path("balance").asText());
    }
  }

  /** The ids of the entities of {@code type} this node holds now. */
  private static Set<String> awake(EntityTypeKey<?> type) {
    var system = stack.app().system();
    return AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
            ClusterSharding.get(system).shardState(), replyTo -> new GetShardRegionState(type, replyTo),
            Duration.ofSeconds(3), system.scheduler())
        .toCompletableFuture().join()
        .getShards().stream().flatMap(shard -> shard.getEntityIds().stream()).collect(Collectors.toSet());
  }
}
