package chatterbox.api;

import chatterbox.testing.ApiClient;
import chatterbox.testing.Eventually;
import chatterbox.testing.TestStack;
import chatterbox.testing.Users;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static chatterbox.testing.TestStack.OPERATOR_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stops the app's actor system in the middle of many concurrent transfers, starts it again on the
 * same database, and checks that every transfer settled exactly once and the books balance.
 */
class TransferCrashTest {

  private record Payment(String id, Users.LoggedIn from, Users.LoggedIn to, long cents) {}

  @Test
  void everyTransferSettlesExactlyOnceAcrossARestart() {
    try (var stack = TestStack.start(Map.of("chatterbox.money.signup-grant", "0"))) {
      var api = stack.api();
      var users = new ArrayList<Users.LoggedIn>();
      for (int i = 0; i < 6; i++) {
        var user = Users.signUpAndLogIn(api, "crash" + i);
        users.add(user);
        var deposit = api.post("/api/admin/deposits",
            Map.of("depositId", "dep-" + user.username(), "username", user.username(), "amount", "100.00"), OPERATOR_TOKEN);
        assertEquals(201, deposit.status(), deposit.toString());
      }

      var random = new Random(42);
      var payments = new ArrayList<Payment>();
      for (int i = 0; i < 300; i++) {
        var from = users.get(random.nextInt(users.size()));
        var to = users.get((users.indexOf(from) + 1 + random.nextInt(users.size() - 1)) % users.size());
        payments.add(new Payment("crash-" + i, from, to, 100 + random.nextInt(4000)));
      }

      // Settled answers: the transfer finished (201) or was refused (422) before the client heard.
      var settled = new AtomicInteger();
      var tenSettled = new CompletableFuture<Void>();
      for (var p : payments) {
        send(api, p).whenComplete((r, e) -> {
          if (r != null && (r.status() == 201 || r.status() == 422) && settled.incrementAndGet() == 10) {
            tenSettled.complete(null);
          }
        });
      }
      tenSettled.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
      stack.stopApp(); // mid-stream: the rest are queued, running, or not yet received
      int answeredBeforeStop = settled.get();
      assertTrue(answeredBeforeStop < payments.size(), "the stop came while transfers were under way");

      stack.startApp();
      var restarted = stack.api();
      // Sagas under way when the node stopped finish by themselves (UnfinishedTransfers wakes them
      // from the books), before any client retry.
      Eventually.await(Duration.ofSeconds(60), () -> restarted.get("/api/admin/ledger", OPERATOR_TOKEN),
          r -> r.status() == 200 && r.body().path("transfersUnfinished").asLong() == 0);

      // Clients retry whatever they did not hear back about, with the same ids.
      var outcomes = new HashMap<String, String>();
      for (var p : payments) outcomes.put(p.id(), finalStatus(restarted, p));

      var expected = new HashMap<String, Long>();
      users.forEach(u -> expected.put(u.username(), 100_00L));
      for (var p : payments) {
        var status = outcomes.get(p.id());
        assertTrue(status.equals("completed") || status.equals("rejected"), p.id() + " is " + status);
        if (status.equals("completed")) {
          expected.merge(p.from().username(), -p.cents(), Long::sum);
          expected.merge(p.to().username(), p.cents(), Long::sum);
        }
      }
      long total = 0;
      for (var user : users) {
        var balance = Users.balance(restarted, user);
        assertEquals(format(expected.get(user.username())), balance, user.username());
        total += expected.get(user.username());
      }
      assertEquals(600_00L, total, "no money created or destroyed");

      var ledger = Eventually.await(Duration.ofSeconds(30), () -> restarted.get("/api/admin/ledger", OPERATOR_TOKEN),
          r -> r.body().path("balanced").asBoolean() && r.body().path("transfersUnfinished").asLong() == 0);
      assertEquals("600.00", ledger.body().path("userWallets").asText());
      assertEquals("-600.00", ledger.body().path("treasury").asText());
      System.out.printf("[crash test] %d of %d answered before the stop; %d completed, %d rejected in the end%n",
          answeredBeforeStop, payments.size(),
          outcomes.values().stream().filter("completed"::equals).count(),
          outcomes.values().stream().filter("rejected"::equals).count());
    }
  }

  private static CompletableFuture<ApiClient.Reply> send(ApiClient api, Payment p) {
    return api.postAsync("/api/transfers", Map.of("transferId", p.id(), "to", p.to().username(),
        "amount", format(p.cents()), "pin", p.from().person().pin()), p.from().token());
  }

  /** Retries the payment until it reports a final outcome: completed or rejected. */
  private static String finalStatus(ApiClient api, Payment p) {
    var reply = Eventually.await(Duration.ofSeconds(30), () -> send(api, p).join(),
        r -> r.status() == 201 || r.status() == 422);
    return reply.status() == 201 ? reply.text("status") : reply.body().path("transfer").path("status").asText();
  }

  private static String format(long cents) {
    return String.format("%d.%02d", cents / 100, cents % 100);
  }

}
