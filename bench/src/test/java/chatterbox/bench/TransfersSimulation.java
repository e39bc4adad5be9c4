package chatterbox.bench;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.time.Duration;
import java.util.UUID;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.doIfOrElse;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

/**
 * Scenario 1, transfers: users in pairs, each pair alone in a room of its own. A transfer is one
 * pass of the Gatling group {@code transfer}: type {@code /send <partner> 0.01}, wait for
 * TRANSFER_PIN_REQUIRED, CONFIRM with the PIN, wait for its own TRANSFER_RECEIPT; its time is the
 * latency a user sees from /send to receipt (less the typing of the PIN). Money goes both ways
 * within a pair, so balances stay near the 100.00 grant.
 *
 * <p>{@link TransferConductor} runs the phases: a {@link TransferLadder} of closed-loop levels
 * ({@code bench.transfers.startUsers}, doubling up to {@code bench.transfers.maxUsers}, each
 * measured for {@code bench.transfers.levelSeconds} after {@code bench.ramp} s of warm-up, the
 * first after {@code bench.transfers.warmupSeconds}) finds
 * the peak; then all seeded users, paced, offer half the peak's rate for {@code bench.duration} s.
 * Every virtual user is injected at once and waits on {@link TransferLoad} until its slot is seeded
 * and active. The windows go to {@link TransferPhases#FILE} for the report.
 */
public class TransfersSimulation extends Simulation {
  private static final Duration RESTING_POLL = Duration.ofMillis(100);
  private static final Duration UNSEEDED_POLL = Duration.ofMillis(500);
  private static final Duration BUSY_BACKOFF = Duration.ofSeconds(1);

  private final TransferLoad load = new TransferLoad();
  private final TransferLadder ladder = new TransferLadder(Bench.intProp("bench.transfers.startUsers", 8),
      Bench.intProp("bench.transfers.maxUsers", 256), Bench.intProp("bench.transfers.minGainPercent", 10) / 100.0);

  @Override
  public void before() {
    var conductor = new TransferConductor(load, ladder, Bench.RAMP, Math.max(0, Bench.intProp("bench.transfers.warmupSeconds", 90)),
        Math.max(1, Bench.intProp("bench.transfers.levelSeconds", 15)), Bench.DURATION);
    var thread = new Thread(conductor, "transfer-conductor");
    thread.setDaemon(true);
    thread.start();
  }

  /** One transfer, counted by the load if it ends while a window is open. */
  private static ChainBuilder transfer(TransferLoad load) {
    return exec(s -> s.markAsSucceeded().remove("tid").remove("reason").set("nonce", UUID.randomUUID().toString()))
        .group("transfer").on(
            exec(ws("send").sendText("{\"op\":3,\"d\":{\"room\":\"#{room}\",\"text\":\"/send #{peer} 0.01\",\"nonce\":\"#{nonce}\"}}")
                .await(Bench.AWAIT).on(ws.checkTextMessage("TRANSFER_PIN_REQUIRED")
                    .matching(jsonPath("$.t").in("TRANSFER_PIN_REQUIRED", "TRANSFER_FAILED", "ERROR"))
                    .check(jsonPath("$.t").is("TRANSFER_PIN_REQUIRED"), jsonPath("$.d.transfer_id").saveAs("tid"))))
            .doIf(s -> s.contains("tid")).then(
                exec(ws("confirm").sendText("{\"op\":4,\"d\":{\"transfer_id\":\"#{tid}\",\"pin\":\"" + Bench.PIN + "\"}}")
                    .await(Bench.AWAIT).on(ws.checkTextMessage("TRANSFER_RECEIPT")
                        .matching(jsonPath("$.d.transfer_id").isEL("#{tid}"), jsonPath("$.t").in("TRANSFER_RECEIPT", "TRANSFER_FAILED"))
                        .check(jsonPath("$.d.reason").optional().saveAs("reason"), jsonPath("$.t").is("TRANSFER_RECEIPT"))))))
        .exec(load::counted)
        // As a client should when told the node is busy (nothing was sent): wait before the next one.
        .doIf(s -> "busy".equals(s.getString("reason"))).then(pause(BUSY_BACKOFF));
  }

  private final ScenarioBuilder transfers = scenario("transfers")
      .exec(load::claimSlot)
      .asLongAs(load::waitingForSeed).on(pause(UNSEEDED_POLL))
      .doIf(load::seeded).then(
          exec(load::withUser)
              .exec(Gateway.connectAndIdentify())
              .exec(load::joined)
              .asLongAs(s -> !load.finished()).on(
                  doIfOrElse(load::active).then(
                      exec(load::schedule)
                          .pause(load::untilDue)
                          // The phase may have ended during the pause.
                          .doIf(load::active).then(transfer(load)))
                      .orElse(pause(RESTING_POLL)))
              .exec(ws("close").close()));

  {
    setUp(transfers.injectOpen(atOnceUsers(ladder.maxUsers())))
        .protocols(Gateway.protocol(0));
  }
}
