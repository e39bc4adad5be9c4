package chatterbox.api;

import chatterbox.testing.ApiClient;
import chatterbox.testing.PiiScan;
import chatterbox.testing.TestPeople;
import chatterbox.testing.TestStack;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The app keeps no name or national ID: after sign-ups (one of them with a bad field, so its data
 * passes through validation and error handling too), neither its database nor its log holds them,
 * while the KYC service can still give them back.
 */
class PrivacyTest {

  private static String unkeyedHash(String username, String pin) {
    try {
      var digest = java.security.MessageDigest.getInstance("SHA-256");
      digest.update((username + "\0" + pin).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.Base64.getEncoder().encodeToString(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void appDatabaseAndLogsHoldNoPersonalData() throws Exception {
    var needles = new ArrayList<String>();
    var usernames = new ArrayList<String>();
    try (var stack = TestStack.start()) {
      ApiClient api = stack.api();
      for (int i = 0; i < 3; i++) {
        var person = TestPeople.person(TestPeople.uniqueName("pii"));
        assertEquals(201, api.post("/api/users", person.signUpBody(), null).status());
        assertEquals(201, api.post("/api/sessions", person.loginBody(), null).status());
        needles.addAll(List.of(person.fullName(), person.nationalId(), person.nationalIdDigits(), person.pin()));
        usernames.add(person.username());
      }
      var rejected = TestPeople.person("x");
      var badSignUp = new java.util.HashMap<>(rejected.signUpBody());
      assertEquals(400, api.post("/api/users", badSignUp, null).status());
      needles.addAll(List.of(rejected.fullName(), rejected.nationalIdDigits()));
      needles.removeIf(n -> n.equals("4826")); // the PIN is checked separately: 4 digits occur by chance

      var scan = PiiScan.scanDatabase(stack.appDb, needles);
      assertTrue(scan.cellsRead() > 20, "the scan read the journal: " + scan.cellsRead() + " cells");
      assertEquals(List.of(), scan.found());

      // A dump alone verifies no PIN: it holds neither the PIN key nor any unkeyed hash of a PIN.
      var pinGuesses = new ArrayList<String>(List.of("dev-only-pin-key-change-me"));
      for (var username : usernames) {
        for (var pin : List.of("4826", "1234", "0000")) {
          pinGuesses.add(unkeyedHash(username, pin));
          pinGuesses.add(new chatterbox.account.PinHasher("secret").hash(username, pin));
        }
      }
      assertEquals(List.of(), PiiScan.scanDatabase(stack.appDb, pinGuesses).found());
      var keyed = new chatterbox.account.PinHasher("dev-only-pin-key-change-me").hash(usernames.get(0), "4826");
      assertFalse(PiiScan.scanDatabase(stack.appDb, List.of(keyed)).found().isEmpty(),
          "the keyed hash is there: the scan would have found the unkeyed ones");

      var kycScan = PiiScan.scanDatabase(stack.kycDb, needles);
      assertEquals(List.of(), kycScan.found(), "KYC keeps them only encrypted");
    }
    var log = Path.of(System.getProperty("chatterbox.test.log", "target/test-app.log"));
    assertTrue(java.nio.file.Files.size(log) > 0, "the app logged something to scan");
    assertEquals(List.of(), PiiScan.scanFile(log, needles));
  }
}
