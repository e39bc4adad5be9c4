package chatterbox.api;

import chatterbox.testing.ApiClient;
import chatterbox.testing.Eventually;
import chatterbox.testing.TestStack;
import chatterbox.testing.Users;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static chatterbox.testing.TestStack.OPERATOR_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deposits, payments, idempotent retries, refusals, history and the ledger, over real HTTP. */
class MoneyApiTest {

  private static TestStack stack;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    stack = TestStack.start(Map.of("chatterbox.money.signup-grant", "0", "chatterbox.money.max-transfer", "500.00"));
    api = stack.api();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  private static String id(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  private static ApiClient.Reply deposit(String depositId, String username, String amount) {
    return api.post("/api/admin/deposits", Map.of("depositId", depositId, "username", username, "amount", amount), OPERATOR_TOKEN);
  }

  private static ApiClient.Reply pay(Users.LoggedIn from, String transferId, String to, String amount, String pin) {
    return api.post("/api/transfers", Map.of("transferId", transferId, "to", to, "amount", amount, "pin", pin), from.token());
  }

  @Test
  void depositIsAppliedOnceAndItsIdCannotBeReused() {
    var alice = Users.signUpAndLogIn(api, "alice");
    assertEquals("0.00", Users.balance(api, alice));
    var depositId = id("dep");

    var first = deposit(depositId, alice.username(), "50");
    assertEquals(201, first.status(), first.toString());
    assertEquals("completed", first.text("status"));
    assertEquals("50.00", first.text("amount"));
    var again = deposit(depositId, alice.username(), "50.00");
    assertEquals(201, again.status());
    assertEquals(first.text("requestedAt"), again.text("requestedAt"), "the first outcome, not a new transfer");
    assertEquals("50.00", Users.balance(api, alice));

    var reused = deposit(depositId, alice.username(), "60.00");
    assertEquals(409, reused.status(), reused.toString());
    assertEquals("50.00", Users.balance(api, alice));
  }

  @Test
  void aUserCannotTakeTheIdOfAnOperatorDeposit() {
    var mallory = Users.signUpAndLogIn(api, "mallory");
    var victim = Users.signUpAndLogIn(api, "victim");
    assertEquals(201, deposit(id("dep"), mallory.username(), "5.00").status());
    var depositId = id("dep");
    assertEquals(201, pay(mallory, depositId, victim.username(), "1.00", mallory.person().pin()).status());
    var deposit = deposit(depositId, victim.username(), "20.00");
    assertEquals(201, deposit.status(), deposit.toString());
    assertEquals("21.00", Users.balance(api, victim));
  }

  @Test
  void depositsNeedTheOperatorAndValidFields() {
    var bob = Users.signUpAndLogIn(api, "bob");
    assertEquals(403, api.post("/api/admin/deposits", Map.of("depositId", id("d"), "username", bob.username(), "amount", "5"), bob.token()).status());
    assertEquals(403, api.post("/api/admin/deposits", Map.of("depositId", id("d"), "username", bob.username(), "amount", "5"), null).status());
    var invalid = deposit("bad id!", "x", "12.345");
    assertEquals(400, invalid.status());
    assertEquals(Map.of(
        "depositId", "may contain only letters, digits, '_' and '-'",
        "username", "must be 3 to 32 characters",
        "amount", "must have at most 2 decimal places"), invalid.errors());
    var unknown = deposit(id("d"), "no_such_user_here", "5");
    assertEquals(422, unknown.status());
  }

  @Test
  void paymentMovesMoneyOnceEvenWhenRetried() {
    var alice = Users.signUpAndLogIn(api, "payer");
    var bob = Users.signUpAndLogIn(api, "payee");
    assertEquals(201, deposit(id("dep"), alice.username(), "40.00").status());
    var transferId = id("t");

    var paid = pay(alice, transferId, bob.username(), "12.50", alice.person().pin());
    assertEquals(201, paid.status(), paid.toString());
    assertEquals("completed", paid.text("status"));
    assertEquals(alice.username(), paid.text("from"));
    assertEquals(bob.username(), paid.text("to"));

    var retried = pay(alice, transferId, bob.username(), "12.50", alice.person().pin());
    assertEquals(201, retried.status(), retried.toString());
    assertEquals(paid.text("requestedAt"), retried.text("requestedAt"));

    assertEquals("27.50", Users.balance(api, alice));
    assertEquals("12.50", Users.balance(api, bob));

    var bobSees = api.get("/api/transfers/" + transferId, bob.token());
    assertEquals(200, bobSees.status());
    var stranger = Users.signUpAndLogIn(api, "nosy");
    assertEquals(404, api.get("/api/transfers/" + transferId, stranger.token()).status(), "only participants see a transfer");
  }

  @Test
  void insufficientFundsIsRefusedAndMovesNothing() {
    var alice = Users.signUpAndLogIn(api, "poor");
    var bob = Users.signUpAndLogIn(api, "rich");
    assertEquals(201, deposit(id("dep"), alice.username(), "10.00").status());
    var refused = pay(alice, id("t"), bob.username(), "10.01", alice.person().pin());
    assertEquals(422, refused.status(), refused.toString());
    assertEquals(Map.of("amount", "insufficient funds"), refused.errors());
    assertEquals("rejected", refused.body().path("transfer").path("status").asText());
    assertEquals("10.00", Users.balance(api, alice));
    assertEquals("0.00", Users.balance(api, bob));
  }

  @Test
  void paymentRefusalsAreSpecific() {
    var alice = Users.signUpAndLogIn(api, "strict");
    var bob = Users.signUpAndLogIn(api, "other");
    assertEquals(201, deposit(id("dep"), alice.username(), "100.00").status());
    var pin = alice.person().pin();

    assertEquals(Map.of("to", "no such user"), pay(alice, id("t"), "nobody_at_all", "1", pin).errors());
    assertEquals(Map.of("to", "cannot send money to yourself"), pay(alice, id("t"), alice.username(), "1", pin).errors());
    var invalid = pay(alice, "", bob.username(), "1e3", "12");
    assertEquals(400, invalid.status());
    assertEquals(Map.of(
        "transferId", "is required",
        "amount", "must be written without an exponent",
        "pin", "must be exactly 4 digits"), invalid.errors());
    assertEquals(Map.of("amount", "must be at most 500.00"), pay(alice, id("t"), bob.username(), "500.01", pin).errors());
    for (var bad : new String[] {"0", "-5", "0.001", "abc", "99999999999999999999"}) {
      assertEquals(400, pay(alice, id("t"), bob.username(), bad, pin).status(), bad);
    }

    var wrongPin = pay(alice, id("t"), bob.username(), "1", "9152");
    assertEquals(401, wrongPin.status());
    assertTrue(wrongPin.errors().get("pin").startsWith("wrong PIN; 2 attempt(s) left"), wrongPin.toString());
    assertEquals("100.00", Users.balance(api, alice));
  }

  @Test
  void wrongPinsOnTransfersAndLoginsShareOneLockout() {
    var alice = Users.signUpAndLogIn(api, "locky");
    var bob = Users.signUpAndLogIn(api, "lockee");
    assertEquals(201, deposit(id("dep"), alice.username(), "5.00").status());
    assertEquals(401, pay(alice, id("t"), bob.username(), "1", "9152").status());
    assertEquals(401, api.post("/api/sessions", Map.of("username", alice.username(), "pin", "9152"), null).status());
    assertEquals(423, pay(alice, id("t"), bob.username(), "1", "9152").status());
    assertEquals(423, pay(alice, id("t"), bob.username(), "1", alice.person().pin()).status(), "locked for the right PIN too");
    assertEquals("5.00", Users.balance(api, alice));
  }

  @Test
  void historyIsNewestFirstAndPaged() {
    var alice = Users.signUpAndLogIn(api, "hist");
    var bob = Users.signUpAndLogIn(api, "histb");
    assertEquals(201, deposit(id("dep"), alice.username(), "30.00").status());
    var first = id("t1");
    var second = id("t2");
    assertEquals(201, pay(alice, first, bob.username(), "1.00", alice.person().pin()).status());
    assertEquals(201, pay(alice, second, bob.username(), "2.00", alice.person().pin()).status());

    // The history is a read model: wait until it has caught up with both payments.
    var page = Eventually.await(Duration.ofSeconds(15), () -> api.get("/api/transfers?limit=3", alice.token()),
        r -> r.body().path("transfers").size() == 3
            && "completed".equals(r.body().path("transfers").get(0).path("status").asText())
            && "completed".equals(r.body().path("transfers").get(1).path("status").asText()));
    page = api.get("/api/transfers?limit=2", alice.token());
    var items = page.body().path("transfers");
    assertEquals(second, items.get(0).path("transferId").asText());
    assertEquals("out", items.get(0).path("direction").asText());
    assertEquals(bob.username(), items.get(0).path("counterparty").asText());
    assertEquals("2.00", items.get(0).path("amount").asText());
    assertEquals(first, items.get(1).path("transferId").asText());
    assertEquals(2, page.body().path("nextOffset").asInt());

    var last = api.get("/api/transfers?limit=2&offset=2", alice.token());
    assertEquals(1, last.body().path("transfers").size());
    assertEquals("deposit", last.body().path("transfers").get(0).path("kind").asText());
    assertEquals("in", last.body().path("transfers").get(0).path("direction").asText());
    assertTrue(last.body().path("nextOffset").isNull());

    var bobs = api.get("/api/transfers", bob.token()).body().path("transfers");
    assertEquals("in", bobs.get(0).path("direction").asText());
    assertEquals(400, api.get("/api/transfers?limit=0", alice.token()).status());
    assertEquals(401, api.get("/api/transfers", null).status());
  }

  @Test
  void withdrawalTakesMoneyOutOnceAndNeverMoreThanThereIs() {
    var alice = Users.signUpAndLogIn(api, "withdraw");
    assertEquals(201, deposit(id("dep"), alice.username(), "20.00").status());
    var withdrawalId = id("wd");
    var body = Map.of("withdrawalId", withdrawalId, "username", alice.username(), "amount", "7.25");
    var first = api.post("/api/admin/withdrawals", body, OPERATOR_TOKEN);
    assertEquals(201, first.status(), first.toString());
    assertEquals("withdrawal", first.text("kind"));
    assertEquals(201, api.post("/api/admin/withdrawals", body, OPERATOR_TOKEN).status(), "a retry answers the first outcome");
    assertEquals("12.75", Users.balance(api, alice));
    var tooMuch = api.post("/api/admin/withdrawals",
        Map.of("withdrawalId", id("wd"), "username", alice.username(), "amount", "12.76"), OPERATOR_TOKEN);
    assertEquals(422, tooMuch.status(), tooMuch.toString());
    assertEquals("12.75", Users.balance(api, alice));
    assertEquals(403, api.post("/api/admin/withdrawals", body, alice.token()).status());
    var ledger = Eventually.await(Duration.ofSeconds(15), () -> api.get("/api/admin/ledger", OPERATOR_TOKEN),
        r -> r.body().path("balanced").asBoolean() && new java.math.BigDecimal(r.body().path("withdrawn").asText())
            .compareTo(new java.math.BigDecimal("7.25")) >= 0);
    assertTrue(ledger.body().path("balanced").asBoolean());
  }

  @Test
  void ledgerBalances() {
    var alice = Users.signUpAndLogIn(api, "books");
    assertEquals(201, deposit(id("dep"), alice.username(), "7.00").status());
    var ledger = Eventually.await(Duration.ofSeconds(15), () -> api.get("/api/admin/ledger", OPERATOR_TOKEN),
        r -> r.body().path("balanced").asBoolean() && r.body().path("transfersUnfinished").asLong() == 0
            && new java.math.BigDecimal(r.body().path("deposited").asText()).compareTo(new java.math.BigDecimal("7.00")) >= 0);
    var body = ledger.body();
    var deposited = new java.math.BigDecimal(body.path("deposited").asText());
    var withdrawn = new java.math.BigDecimal(body.path("withdrawn").asText());
    var wallets = new java.math.BigDecimal(body.path("userWallets").asText());
    assertEquals(deposited.subtract(withdrawn), wallets, "wallets hold what was deposited minus what was withdrawn");
    assertEquals(wallets.negate(), new java.math.BigDecimal(body.path("treasury").asText()));
    assertEquals(403, api.get("/api/admin/ledger", alice.token()).status());
  }
}
