package chatterbox.config;

import chatterbox.ChatterBoxApp;
import chatterbox.platform.runtime.ServiceNode;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Production refuses the development secrets and the embedded store; conf/ agrees with the code. */
class ProductionConfigTest {

  private static final String STRONG = "x".repeat(40);

  @Test
  void productionRefusesEveryDevelopmentSecretByName() {
    var config = ChatterBoxApp.config(Map.of("chatterbox.env", "production"));
    var refusal = assertThrows(IllegalStateException.class,
        () -> ServiceNode.prepareDatabase(config, ChatterBoxApp.ROOT, "db/app"));
    for (var secret : new String[] {"pin-key", "token-secret", "operator-token", "kyc-token"}) {
      assertTrue(refusal.getMessage().contains("chatterbox.secrets." + secret + " is the development default"), refusal.getMessage());
    }
    assertTrue(!refusal.getMessage().contains("dev-only-"), "never prints a secret's value");
  }

  @Test
  void productionRefusesShortSecretsAndTheEmbeddedStore() {
    var shortSecret = ChatterBoxApp.config(Map.of("chatterbox.env", "production",
        "chatterbox.secrets.pin-key", "short", "chatterbox.secrets.token-secret", STRONG,
        "chatterbox.secrets.operator-token", STRONG, "chatterbox.secrets.kyc-token", STRONG));
    var tooShort = assertThrows(IllegalStateException.class,
        () -> ServiceNode.prepareDatabase(shortSecret, ChatterBoxApp.ROOT, "db/app"));
    assertTrue(tooShort.getMessage().contains("chatterbox.secrets.pin-key is shorter than 32"), tooShort.getMessage());

    var embedded = ChatterBoxApp.config(Map.of("chatterbox.env", "production",
        "chatterbox.secrets.pin-key", STRONG, "chatterbox.secrets.token-secret", STRONG,
        "chatterbox.secrets.operator-token", STRONG, "chatterbox.secrets.kyc-token", STRONG));
    var h2 = assertThrows(IllegalStateException.class,
        () -> ServiceNode.prepareDatabase(embedded, ChatterBoxApp.ROOT, "db/app"));
    assertTrue(h2.getMessage().contains("embedded store"), h2.getMessage());
  }

  @Test
  void productionOverlayOnlySetsKeysTheAppKnows() {
    var overlay = ConfigFactory.parseFile(new File("../conf/production.conf"));
    var defaults = ChatterBoxApp.config(Map.of());
    for (var entry : overlay.entrySet()) {
      assertTrue(defaults.hasPath(entry.getKey()), "conf/production.conf sets unknown key " + entry.getKey());
    }
    assertEquals("production", overlay.getString("chatterbox.env"));
    assertEquals("0", overlay.getString("chatterbox.money.signup-grant"));
  }
}
