package chatterbox.bench;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

/**
 * Scenario 1, transfers: {@code bench.transfers.users} users (even), in pairs, each pair alone in a
 * room of its own. Each user, in a closed loop for {@code bench.duration} seconds, types
 * {@code /send <partner> 0.01}, waits for TRANSFER_PIN_REQUIRED, CONFIRMs with the PIN and waits for
 * its own TRANSFER_RECEIPT. One pass of that is the Gatling group {@code transfer}: its count is the
 * completed transfers, its time the latency a user sees from /send to receipt (less the typing of
 * the PIN). Money goes both ways within a pair, so balances stay near the 100.00 grant.
 */
public class TransfersSimulation extends Simulation {
  private final int users = Math.max(2, Bench.intProp("bench.transfers.users", 32) / 2 * 2);
  private final List<Map<String, Object>> seeded = new CopyOnWriteArrayList<>();

  @Override
  public void before() {
    var specs = new ArrayList<Map<String, Object>>();
    for (int i = 0; i < users; i++) {
      int pair = i / 2;
      specs.add(Map.of(
          "username", "b" + Bench.RUN_ID + "_t" + i,
          "peer", "b" + Bench.RUN_ID + "_t" + (i % 2 == 0 ? i + 1 : i - 1),
          "room", "pair-" + Bench.RUN_ID + "-" + pair));
    }
    seeded.addAll(Seeder.seed(specs));
  }

  private final ScenarioBuilder transfers = scenario("transfers")
      .feed(Gateway.feeder(seeded))
      .exec(Gateway.connectAndIdentify())
      .during(Duration.ofSeconds(Bench.DURATION)).on(
          exec(s -> s.markAsSucceeded().remove("tid").set("nonce", UUID.randomUUID().toString()))
              .group("transfer").on(
                  exec(ws("send").sendText("{\"op\":3,\"d\":{\"room\":\"#{room}\",\"text\":\"/send #{peer} 0.01\",\"nonce\":\"#{nonce}\"}}")
                      .await(Bench.AWAIT).on(ws.checkTextMessage("TRANSFER_PIN_REQUIRED")
                          .matching(jsonPath("$.t").in("TRANSFER_PIN_REQUIRED", "TRANSFER_FAILED", "ERROR"))
                          .check(jsonPath("$.t").is("TRANSFER_PIN_REQUIRED"), jsonPath("$.d.transfer_id").saveAs("tid"))))
                  .doIf(s -> s.contains("tid")).then(
                      exec(ws("confirm").sendText("{\"op\":4,\"d\":{\"transfer_id\":\"#{tid}\",\"pin\":\"" + Bench.PIN + "\"}}")
                          .await(Bench.AWAIT).on(ws.checkTextMessage("TRANSFER_RECEIPT")
                              .matching(jsonPath("$.d.transfer_id").isEL("#{tid}"), jsonPath("$.t").in("TRANSFER_RECEIPT", "TRANSFER_FAILED"))
                              .check(jsonPath("$.t").is("TRANSFER_RECEIPT")))))))
      .exec(ws("close").close());

  {
    setUp(transfers.injectOpen(rampUsers(users).during(Duration.ofSeconds(Bench.RAMP))))
        .protocols(Gateway.protocol(0));
  }
}
