package chatterbox.api;

import chatterbox.testing.TestPeople;
import chatterbox.testing.TestStack;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Sign-up while the KYC service is down: a clear 503, the name held for the same person, no half-made account. */
class RegistrationSagaTest {

  @Test
  void signUpWaitsForKycAndCompletesOnRetry() throws Exception {
    int kycPort = chatterbox.testing.AppNodeProcess.freePort(); // nothing listens there until the test starts KYC
    try (var stack = TestStack.withoutKyc(kycPort, Map.of("chatterbox.kyc.attempts", 2))) {
      var api = stack.api();
      var zuri = TestPeople.person(TestPeople.uniqueName("zuri"));

      var whileDown = api.post("/api/users", zuri.signUpBody(), null);
      assertEquals(503, whileDown.status(), whileDown.toString());
      assertEquals("kyc", whileDown.body().path("errors").get(0).path("field").asText());
      assertEquals(401, api.post("/api/sessions", zuri.loginBody(), null).status(), "no usable account yet");

      var someoneElse = new HashMap<>(TestPeople.person(zuri.username()).signUpBody());
      someoneElse.put("pin", "9152");
      assertEquals(409, api.post("/api/users", someoneElse, null).status(), "the name is held for the first person");

      stack.startKyc(kycPort);
      var retried = api.post("/api/users", zuri.signUpBody(), null);
      assertEquals(201, retried.status(), retried.toString());
      assertEquals(201, api.post("/api/sessions", zuri.loginBody(), null).status());
      assertEquals(409, api.post("/api/users", zuri.signUpBody(), null).status(), "completed: taken for everyone");
    }
  }
}
