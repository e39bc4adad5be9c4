package chatterbox.config;

import chatterbox.ChatterBoxApp;
import chatterbox.room.Room;
import chatterbox.wallet.Wallet;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The entities' settings as the node reads them: chatterbox.conf ships the values the code
 * documents and measured (docs/performance.md, Changes 29, 31, 33 and 35), and an operator's value
 * reaches the entity (that the node applies the users' entities' idle timeout:
 * {@code UserEntitiesPassivationTest}).
 */
class EntitySettingsConfigTest {

  @Test
  void theShippedConfigurationGivesTheDocumentedDefaults() {
    var config = ChatterBoxApp.config(Map.of()).getConfig("chatterbox");
    assertEquals(Room.Settings.DEFAULTS, Room.Settings.fromConfig(config.getConfig("rooms")));
    assertEquals(new Wallet.Settings(Wallet.Settings.DEFAULT_FINISHED_WINDOW, Wallet.Settings.DEFAULT_SNAPSHOT_EVERY),
        Wallet.Settings.fromConfig(config.getConfig("money")));
    assertEquals(Duration.ofMinutes(2), config.getDuration("user-entities-idle-timeout"), "README's default");
  }

  @Test
  void anOperatorsSettingsReachTheEntities() {
    var config = ChatterBoxApp.config(Map.of(
        "chatterbox.rooms.snapshot-every", 120, "chatterbox.money.wallet-snapshot-every", 450,
        "chatterbox.money.wallet-debits-hold", true, "chatterbox.user-entities-idle-timeout", "45s")).getConfig("chatterbox");
    assertEquals(Duration.ofSeconds(45), config.getDuration("user-entities-idle-timeout"));
    assertEquals(120, Room.Settings.fromConfig(config.getConfig("rooms")).snapshotEvery());
    assertEquals(new Wallet.Settings(Wallet.Settings.DEFAULT_FINISHED_WINDOW, 450, true),
        Wallet.Settings.fromConfig(config.getConfig("money")));
  }
}
