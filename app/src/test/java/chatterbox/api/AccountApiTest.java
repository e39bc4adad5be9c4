package chatterbox.api;

import chatterbox.testing.ApiClient;
import chatterbox.testing.TestPeople;
import chatterbox.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sign-up, login, lockout and logout over real HTTP against the app and KYC on PostgreSQL. */
class AccountApiTest {

  private static TestStack stack;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    stack = TestStack.start();
    api = stack.api();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void signUpThenLogInThenSeeOwnAccount() {
    var alice = TestPeople.person(TestPeople.uniqueName("alice"));
    var created = api.post("/api/users", alice.signUpBody(), null);
    assertEquals(201, created.status(), created.toString());
    assertEquals(alice.username(), created.text("username"));

    var login = api.post("/api/sessions", alice.loginBody(), null);
    assertEquals(201, login.status(), login.toString());
    var token = login.text("token");

    var me = api.get("/api/me", token);
    assertEquals(200, me.status(), me.toString());
    assertEquals(alice.username(), me.text("username"));
    assertEquals("verified", me.text("kycStatus"));
    assertEquals("100.00", me.text("balance"), "the development sign-up grant");
    assertEquals("general", me.body().path("rooms").get(0).asText(), "the first login puts everyone into general");
    assertFalse(me.raw().body().contains(alice.fullName()), "the app does not echo personal data");
  }

  @Test
  void everyInvalidFieldIsReportedAtOnce() {
    var reply = api.post("/api/users", Map.of(
        "username", "No",
        "fullName", "R2-D2",
        "nationalId", "20991301-12345-67890-12",
        "pin", "1111"), null);
    assertEquals(400, reply.status(), reply.toString());
    assertEquals(Map.of(
        "username", "must be 3 to 32 characters",
        "fullName", "may contain only letters, spaces, apostrophes and hyphens",
        "nationalId", "must start with a real date of birth (YYYYMMDD)",
        "pin", "must not be one digit repeated"), reply.errors());
  }

  @Test
  void malformedBodyNamesTheField() {
    var reply = api.post("/api/users", "{\"username\": [1,2], \"pin\": \"4826\"}", null);
    assertEquals(400, reply.status(), reply.toString());
    assertEquals("username", reply.body().path("errors").get(0).path("field").asText());

    var notJson = api.post("/api/users", "not json", null);
    assertEquals(400, notJson.status(), notJson.toString());
  }

  @Test
  void pinThatTheNationalIdGivesAwayIsRefused() {
    var person = TestPeople.person(TestPeople.uniqueName("bday"));
    var birthYear = person.nationalId().substring(0, 4);
    var body = new java.util.HashMap<>(person.signUpBody());
    body.put("pin", birthYear);
    var reply = api.post("/api/users", body, null);
    assertEquals(400, reply.status());
    assertEquals(Map.of("pin", "must not be part of your date of birth"), reply.errors());
  }

  @Test
  void concurrentSignUpsForOneNameHaveExactlyOneWinner() {
    var name = TestPeople.uniqueName("race");
    var pins = List.of("4826", "9152", "3071", "6048", "5193", "7302", "8416", "2957");
    var attempts = new ArrayList<CompletableFuture<ApiClient.Reply>>();
    for (int i = 0; i < pins.size(); i++) {
      var person = TestPeople.person(i % 2 == 0 ? name : name.toUpperCase());
      var body = new java.util.HashMap<>(person.signUpBody());
      body.put("pin", pins.get(i));
      attempts.add(api.postAsync("/api/users", body, null));
    }
    var statuses = attempts.stream().map(CompletableFuture::join).map(ApiClient.Reply::status).toList();
    assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
    assertEquals(pins.size() - 1, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
  }

  @Test
  void unknownUserAndWrongPinGetTheSameAnswer() {
    var bob = TestPeople.person(TestPeople.uniqueName("bob"));
    assertEquals(201, api.post("/api/users", bob.signUpBody(), null).status());
    var wrongPin = api.post("/api/sessions", Map.of("username", bob.username(), "pin", "9152"), null);
    var unknown = api.post("/api/sessions", Map.of("username", TestPeople.uniqueName("nobody"), "pin", "9152"), null);
    assertEquals(401, wrongPin.status());
    assertEquals(401, unknown.status());
    assertEquals(wrongPin.raw().body(), unknown.raw().body());
  }

  @Test
  void threeWrongPinsLockTheAccountEvenForTheRightPin() {
    var carol = TestPeople.person(TestPeople.uniqueName("carol"));
    assertEquals(201, api.post("/api/users", carol.signUpBody(), null).status());
    var wrong = Map.of("username", carol.username(), "pin", "9152");
    assertEquals(401, api.post("/api/sessions", wrong, null).status());
    assertEquals(401, api.post("/api/sessions", wrong, null).status());
    var third = api.post("/api/sessions", wrong, null);
    assertEquals(423, third.status(), third.toString());
    assertTrue(third.raw().headers().firstValue("Retry-After").isPresent());
    assertTrue(third.errors().get("pin").startsWith("too many wrong PINs: locked until"), third.toString());

    var right = api.post("/api/sessions", carol.loginBody(), null);
    assertEquals(423, right.status(), "locked even with the right PIN");

    var unlock = api.post("/api/admin/accounts/" + carol.username() + "/unlock", Map.of(), TestStack.OPERATOR_TOKEN);
    assertEquals(204, unlock.status(), unlock.toString());
    assertEquals(201, api.post("/api/sessions", carol.loginBody(), null).status());
  }

  @Test
  void logoutRevokesTheToken() {
    var dave = TestPeople.person(TestPeople.uniqueName("dave"));
    assertEquals(201, api.post("/api/users", dave.signUpBody(), null).status());
    var token = api.post("/api/sessions", dave.loginBody(), null).text("token");
    assertEquals(200, api.get("/api/me", token).status());
    assertEquals(204, api.delete("/api/sessions", token).status());
    assertEquals(401, api.get("/api/me", token).status());
    assertEquals(401, api.get("/api/me", token + "x").status());
    assertEquals(401, api.get("/api/me", null).status());
  }

  @Test
  void operatorEndpointsRefuseUserTokens() {
    var erin = TestPeople.person(TestPeople.uniqueName("erin"));
    assertEquals(201, api.post("/api/users", erin.signUpBody(), null).status());
    var token = api.post("/api/sessions", erin.loginBody(), null).text("token");
    assertEquals(403, api.post("/api/admin/accounts/" + erin.username() + "/unlock", Map.of(), token).status());
  }
}
