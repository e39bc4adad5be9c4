package chatterbox.cluster;

import chatterbox.kyc.KycService;
import chatterbox.platform.testing.TestPostgres;
import chatterbox.testing.ApiClient;
import chatterbox.testing.AppNodeProcess;
import chatterbox.testing.Chatter;
import chatterbox.testing.ClusterChecks;
import chatterbox.testing.DefinitePayment;
import chatterbox.testing.Eventually;
import chatterbox.testing.Users;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static chatterbox.testing.GatewayClient.membersOnline;
import static chatterbox.testing.GatewayClient.roomInReady;
import static chatterbox.testing.TestStack.OPERATOR_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three app nodes as three JVMs on loopback, one cluster, real PostgreSQL. Users on different nodes
 * chat in one room and pay each other while one node is killed with SIGKILL and restarted, then
 * while another leaves gracefully (SIGTERM). At the end the books balance, every acknowledged
 * transfer is applied exactly once, every acknowledged message is in the room's history exactly
 * once, and the clients of the lost nodes caught up through another node.
 */
class ClusterTest {

  private static final Duration BEAT = Duration.ofMillis(400);
  private static final Duration FAILOVER = Duration.ofSeconds(60);
  private static final chatterbox.platform.persistence.Database appDb = TestPostgres.freshDatabase("cluster");
  private static final chatterbox.platform.persistence.Database kycDb = TestPostgres.freshDatabase("clusterkyc");
  private static KycService kyc;
  private static List<AppNodeProcess> nodes;
  /** Users signed up by this class's tests (each is given 100.00 by the treasury), whichever ran. */
  private static final AtomicInteger signUps = new AtomicInteger();

  @BeforeAll
  static void startCluster() {
    kyc = KycService.start(ConfigFactory.parseMap(Map.of("kyc.http.host", "127.0.0.1", "kyc.http.port", 0,
        "akka.remote.artery.canonical.port", 0)).withFallback(KycService.databaseConfig(kycDb)));
    nodes = AppNodeProcess.cluster(3, appDb, kyc.httpPort());
    nodes.get(0).start(); // the first runs the migrations; the others start on a ready schema
    ClusterChecks.awaitHttp(nodes.get(0), FAILOVER);
    nodes.get(1).start();
    nodes.get(2).start();
    awaitMembers(nodes.get(0), 3);
  }

  @AfterAll
  static void stopCluster() {
    if (nodes != null) nodes.forEach(AppNodeProcess::close);
    if (kyc != null) kyc.stop();
    TestPostgres.drop(appDb);
    TestPostgres.drop(kycDb);
  }

  private static ApiClient api(AppNodeProcess node) {
    return node.api();
  }

  private static Users.LoggedIn signUp(AppNodeProcess node, String prefix) {
    var user = Users.signUpAndLogIn(api(node), prefix);
    signUps.incrementAndGet();
    return user;
  }

  private static void awaitMembers(AppNodeProcess node, int count) {
    ClusterChecks.awaitMembers(node, count, nodes.stream().filter(AppNodeProcess::isAlive).toList(), Duration.ofSeconds(90));
  }

  /** Pays over REST, retrying the same transfer id on live nodes until the outcome is known. */
  private static String pay(Chatter from, Chatter to, long cents, String transferId, List<AppNodeProcess> live) {
    var body = DefinitePayment.body(transferId, to.user.username(), cents, from.user.person().pin());
    var reply = DefinitePayment.send(body, from.user.token(), () -> live, Duration.ofSeconds(30), FAILOVER);
    assertTrue(reply != null && (reply.status() == 201 || reply.status() == 422), transferId + ": " + reply);
    return reply.status() == 201 ? "completed" : "rejected";
  }

  @Test
  void chatAndPaymentsSurviveAKilledNodeAndAGracefulLeave() {
    var entry = nodes.get(0);
    var chatters = new ArrayList<Chatter>();
    for (int i = 0; i < 6; i++) {
      chatters.add(new Chatter(signUp(entry, "node" + i), nodes.get(i / 2), BEAT));
    }
    chatters.forEach(Chatter::connect);

    var acknowledged = new ArrayList<String>();
    var expected = new HashMap<String, Long>();
    chatters.forEach(c -> expected.put(c.user.username(), 100_00L));
    var live = new ArrayList<>(nodes);

    for (int round = 0; round < 12; round++) {
      if (round == 4) {
        nodes.get(2).kill(); // SIGKILL mid-stream: its sessions and entities are lost with it
        live.remove(nodes.get(2));
      }
      if (round == 7) {
        nodes.get(2).start();
        awaitMembers(entry, 3);
        live.add(nodes.get(2));
      }
      if (round == 9) {
        var leaving = nodes.get(1);
        var clientsThere = chatters.stream().filter(c -> c.node() == leaving && c.client() != null).map(Chatter::client).toList();
        leaving.terminate(); // SIGTERM: clients are told to reconnect, shards hand off
        live.remove(leaving);
        for (var client : clientsThere) {
          client.awaitSeen(f -> f.path("op").asInt() == 7, "RECONNECT from the leaving node");
        }
      }
      for (int i = 0; i < chatters.size(); i++) {
        var chatter = chatters.get(i);
        var nonce = "r" + round + "-u" + i;
        chatter.say("round " + round + " from " + i, nonce, () -> live, FAILOVER);
        acknowledged.add(nonce);
        if ((round + i) % 3 == 0) {
          var payee = chatters.get((i + 1) % chatters.size());
          long cents = 100 + round * 10 + i;
          var outcome = pay(chatter, payee, cents, "cl-" + round + "-" + i, live);
          if (outcome.equals("completed")) {
            expected.merge(chatter.user.username(), -cents, Long::sum);
            expected.merge(payee.user.username(), cents, Long::sum);
          }
        }
      }
    }

    // Every acknowledged transfer applied exactly once; money neither created nor destroyed.
    var reader = api(entry);
    for (var chatter : chatters) {
      assertEquals(format(expected.get(chatter.user.username())), Users.balance(reader, chatter.user), chatter.user.username());
    }
    var ledger = Eventually.await(Duration.ofSeconds(120), () -> reader.get("/api/admin/ledger", OPERATOR_TOKEN),
        r -> r.body().path("balanced").asBoolean() && r.body().path("transfersUnfinished").asLong() == 0
            && r.body().path("userWallets").asText().equals(format(signUps.get() * 100_00L)));
    assertEquals("-" + format(signUps.get() * 100_00L), ledger.body().path("treasury").asText());

    // Every acknowledged message in the room's history exactly once, in one order.
    var history = ClusterChecks.roomHistory(reader, chatters.get(0).user.token(), "general");
    ClusterChecks.assertEachOnceInOneOrder(history, acknowledged);

    // The clients of the lost nodes reconnected to live ones, caught up, and receive what comes next;
    // a user with a second session on another node gets everything there too.
    var speaker = chatters.get(1);
    var secondSession = nodes.get(2).gateway(chatters.get(0).user.token(), BEAT);
    secondSession.expectDispatch("READY");
    var probe = "after-everything";
    speaker.say("the end", probe, () -> live, FAILOVER);
    // Live delivery is at most once; a lost entry comes again with the room's tail re-announcement.
    var tail = Duration.ofSeconds(40);
    for (var chatter : chatters) {
      assertTrue(chatter.node().isAlive(), chatter.user.username() + " is on a live node");
      chatter.client().awaitSeen(f -> probe.equals(f.path("d").path("nonce").asText()),
          probe + " at " + chatter.user.username() + " on " + chatter.node().name, tail);
    }
    secondSession.awaitSeen(f -> probe.equals(f.path("d").path("nonce").asText()), probe + " at the second session", tail);
    secondSession.close();

    // Wrong PINs count once per account, whichever node they arrive at.
    var target = chatters.get(5).user;
    var wrong = Map.of("username", target.username(), "pin", "9152");
    assertEquals(401, api(nodes.get(0)).post("/api/sessions", wrong, null).status());
    assertEquals(401, api(nodes.get(2)).post("/api/sessions", wrong, null).status());
    assertEquals(423, api(nodes.get(0)).post("/api/sessions", wrong, null).status());
    assertEquals(423, api(nodes.get(2)).post("/api/sessions", target.person().loginBody(), null).status(),
        "locked on every node, even for the right PIN");
    assertEquals(List.of(), ClusterChecks.entitiesWrittenByTwoWritersAtOnce(appDb), "one writer per entity at a time");
    System.out.printf("[cluster test] %d acknowledged messages, history of %d events, final balances %s%n",
        acknowledged.size(), history.size(), expected);
  }

  /**
   * What one user does on one node reaches the other user's session on another node at once: a
   * payee's receipt and a logout. Both users are new to the node that publishes, as a user whose
   * sessions are all elsewhere is (a topic per user lost exactly these: the publishing node's new
   * topic had not yet learnt of the session's node). Only live nodes, whichever test ran first.
   */
  @Test
  void aUsersNoticesPublishedOnOneNodeReachTheirSessionOnAnother() {
    var live = nodes.stream().filter(AppNodeProcess::isAlive).toList();
    var payerNode = live.get(0);
    var payeeNode = live.get(1);
    var payer = signUp(payerNode, "far_payer");
    var payee = signUp(payeeNode, "far_payee");
    try (var payerClient = payerNode.gateway(payer.token(), BEAT); var payeeClient = payeeNode.gateway(payee.token(), BEAT)) {
      payerClient.expectDispatch("READY");
      payeeClient.expectDispatch("READY");

      payerClient.input("general", "/send " + payee.username() + " 2.50", "far-1");
      var transferId = payerClient.expectDispatch("TRANSFER_PIN_REQUIRED").path("transfer_id").asText();
      payerClient.confirm(transferId, payer.person().pin());
      assertEquals("out", payerClient.expectDispatch("TRANSFER_RECEIPT").path("direction").asText());
      var receipt = payeeClient.awaitSeen(f -> f.path("t").asText().equals("TRANSFER_RECEIPT"),
          "the payee's receipt, published on the payer's node", Duration.ofSeconds(5)).path("d");
      assertEquals("in", receipt.path("direction").asText());
      assertEquals(transferId, receipt.path("transfer_id").asText());
      assertEquals("102.50", receipt.path("balance").asText());

      // Logged out through the payer's node: the session on the payee's node closes with 4012.
      assertEquals(204, api(payerNode).delete("/api/sessions", payee.token()).status());
      assertEquals(4012, payeeClient.closeCode());
    }
  }

  /**
   * Presence is kept in groups of users that sharding places on any node: a session beats its
   * user's group from whichever node it is on, ROOM_JOINED and READY on other nodes ask the groups
   * who is online, and a session elsewhere sees the user go. Only live nodes, whichever test ran first.
   */
  @Test
  void whoIsOnlineIsTheSameFromEveryNode() {
    var live = nodes.stream().filter(AppNodeProcess::isAlive).toList();
    var xNode = live.get(0);
    var yNode = live.get(1);
    var readyNode = live.get(live.size() - 1);
    var x = signUp(xNode, "near_x");
    var y = signUp(yNode, "near_y");
    var room = "near-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    try (var yClient = yNode.gateway(y.token(), BEAT)) {
      yClient.expectDispatch("READY");
      yClient.input("general", "/join " + room, "y-join");
      yClient.expectDispatch("ROOM_JOINED", d -> d.path("room").path("id").asText().equals(room));
      try (var xClient = xNode.gateway(x.token(), BEAT)) {
        xClient.expectDispatch("READY");
        xClient.input("general", "/join " + room, "x-join");
        var joined = xClient.expectDispatch("ROOM_JOINED", d -> d.path("room").path("id").asText().equals(room));
        var bothOnline = Map.of(x.username(), true, y.username(), true);
        assertEquals(bothOnline, membersOnline(joined.path("room")), joined.toString());
        yClient.expectDispatch("MEMBER_JOINED", d -> d.path("username").asText().equals(x.username()));
        try (var yAgain = readyNode.gateway(y.token(), BEAT)) {
          var ready = yAgain.expectDispatch("READY");
          assertEquals(bothOnline, membersOnline(roomInReady(ready, room)), ready.toString());
        }
      }
      yClient.expectDispatch("PRESENCE_UPDATE", d -> d.path("username").asText().equals(x.username())
          && d.path("status").asText().equals("offline"));
    }
  }

  private static String format(long cents) {
    return String.format("%d.%02d", cents / 100, cents % 100);
  }

}
