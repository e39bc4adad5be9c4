package chatterbox.testing;

import chatterbox.platform.http.Json;
import chatterbox.platform.persistence.Database;
import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What multi-node tests wait for and check: membership, readiness, room histories, the journal. */
public final class ClusterChecks {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ClusterChecks() {}

  /** Members {@code node} sees as Up and reachable, or -1 when it does not answer. */
  public static long upMembers(AppNodeProcess node) {
    try {
      var response = HTTP.send(HttpRequest.newBuilder(URI.create(node.managementUrl("/cluster/members")))
          .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode view = Json.MAPPER.readTree(response.body());
      var unreachable = new HashSet<String>();
      for (var entry : view.path("unreachable")) unreachable.add(entry.path("node").asText());
      long up = 0;
      for (var member : view.path("members")) {
        if ("Up".equals(member.path("status").asText()) && !unreachable.contains(member.path("node").asText())) up++;
      }
      return up;
    } catch (Exception notYet) {
      return -1;
    }
  }

  /** The shards of entity type {@code typeName} that live on {@code node} (empty when it does not answer). */
  public static List<String> localShards(AppNodeProcess node, String typeName) {
    try {
      var response = HTTP.send(HttpRequest.newBuilder(URI.create(node.managementUrl("/cluster/shards/" + typeName)))
          .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
      var shards = new ArrayList<String>();
      for (var region : Json.MAPPER.readTree(response.body()).path("regions")) shards.add(region.path("shardId").asText());
      return shards;
    } catch (Exception unreachable) {
      return List.of();
    }
  }

  /** Waits until the node's HTTP API answers (401 for an anonymous /api/me). */
  public static void awaitHttp(AppNodeProcess node, Duration limit) {
    var api = node.api(Duration.ofSeconds(3));
    Eventually.await(limit, () -> {
      try {
        return api.get("/api/me", null).status();
      } catch (RuntimeException notYet) {
        return -1;
      }
    }, status -> status == 401);
  }

  /** Waits until {@code node} sees {@code count} members Up and every node in {@code live} answers HTTP. */
  public static void awaitMembers(AppNodeProcess node, int count, Collection<AppNodeProcess> live, Duration limit) {
    Eventually.await(limit, () -> upMembers(node), up -> up == count);
    live.forEach(n -> awaitHttp(n, limit));
  }

  /** A room's whole history, page by page. */
  public static List<JsonNode> roomHistory(ApiClient api, String token, String room) {
    var history = new ArrayList<JsonNode>();
    long after = 0;
    while (true) {
      var page = api.get("/api/rooms/" + room + "/messages?after=" + after + "&limit=100", token);
      assertEquals(200, page.status(), page.toString());
      page.body().path("events").forEach(history::add);
      if (!page.body().path("has_more").asBoolean()) return history;
      after = history.get(history.size() - 1).path("seq").asLong();
    }
  }

  /** Every acknowledged nonce is in the history exactly once, and the history is one contiguous order. */
  public static void assertEachOnceInOneOrder(List<JsonNode> history, Collection<String> acknowledged) {
    var nonceCounts = new HashMap<String, Integer>();
    for (var event : history) {
      if (event.path("type").asText().equals("message")) nonceCounts.merge(event.path("nonce").asText(), 1, Integer::sum);
    }
    for (var nonce : acknowledged) {
      assertEquals(1, nonceCounts.getOrDefault(nonce, 0), "message " + nonce + " in " + history.size() + " events");
    }
    for (int i = 1; i < history.size(); i++) {
      assertEquals(history.get(i - 1).path("seq").asLong() + 1, history.get(i).path("seq").asLong(), "one contiguous order");
    }
  }

  /**
   * Each journal row names the incarnation that wrote it. An entity moves between incarnations
   * (a restart, a node loss), but a writer that comes back after another one has written means two
   * copies of the entity were alive at once: the split-brain failure.
   */
  public static List<String> entitiesWrittenByTwoWritersAtOnce(Database database) {
    var offenders = new ArrayList<String>();
    try (var connection = DriverManager.getConnection(database.connectionUrl(), database.user(), database.password());
         var rows = connection.createStatement().executeQuery(
             "SELECT persistence_id, writer FROM event_journal ORDER BY persistence_id, sequence_number")) {
      String entity = null;
      String writer = null;
      var retired = new HashSet<String>();
      while (rows.next()) {
        if (!rows.getString(1).equals(entity)) {
          entity = rows.getString(1);
          writer = null;
          retired.clear();
        }
        var next = rows.getString(2);
        if (next.equals(writer)) continue;
        if (retired.contains(next)) offenders.add(entity);
        if (writer != null) retired.add(writer);
        writer = next;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return offenders;
  }
}
