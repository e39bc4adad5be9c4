package chatterbox.kyc;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import chatterbox.platform.persistence.BlockingJdbc;
import chatterbox.platform.persistence.Database;
import chatterbox.platform.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data keys in a real PostgreSQL: creation, concurrent creation, and erasure by shredding. */
class SubjectVaultTest {

  private static final MasterKey MASTER_KEY = MasterKey.fromSecret("dev-only-test-master-key");
  private static final Identity BARAKA = new Identity("Baraka Mussa Kimaro", "19851103234560000456");

  private static Database database;
  private static ActorTestKit testKit;
  private static SubjectVault vault;

  @BeforeAll
  static void start() {
    database = TestPostgres.freshDatabase("kyc_vault");
    database.migrate("db/kyc");
    testKit = ActorTestKit.create("SubjectVaultTest");
    var keys = new DataKeyStore(BlockingJdbc.create(testKit.system(), database, "kyc-vault-test"));
    vault = new SubjectVault(MASTER_KEY, keys);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    TestPostgres.drop(database);
  }

  @Test
  void sealsAndOpensUnderOneKeyPerSubject() {
    var subject = UUID.randomUUID().toString();

    var first = await(vault.seal(subject, BARAKA));
    var second = await(vault.seal(subject, BARAKA));

    assertEquals(Optional.of(BARAKA), await(vault.open(subject, first)));
    assertEquals(Optional.of(BARAKA), await(vault.open(subject, second)));
    assertTrue(first.sameDataAs(second), "both seals used the subject's one data key");
    assertEquals(1, keyRows(subject));
  }

  @Test
  void concurrentFirstSealsAgreeOnTheKey() {
    var subject = UUID.randomUUID().toString();

    var seals = IntStream.range(0, 8).mapToObj(i -> vault.seal(subject, BARAKA).toCompletableFuture()).toList();

    for (var sealed : seals) {
      assertEquals(Optional.of(BARAKA), await(vault.open(subject, sealed.join())));
    }
    assertEquals(1, keyRows(subject));
  }

  @Test
  void afterShreddingTheDataNoLongerDecrypts() {
    var subject = UUID.randomUUID().toString();
    var sealed = await(vault.seal(subject, BARAKA));

    assertTrue(await(vault.shred(subject)));

    assertEquals(0, keyRows(subject));
    assertEquals(Optional.empty(), await(vault.open(subject, sealed)), "no key: the data is gone");
    assertFalse(await(vault.shred(subject)), "shredding again finds nothing");

    // Even a new key for the same subject opens nothing that was sealed before.
    await(vault.seal(subject, BARAKA));
    var failure = assertThrows(ExecutionException.class,
        () -> vault.open(subject, sealed).toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertInstanceOf(AesGcm.CiphertextRejectedException.class, failure.getCause());
  }

  @Test
  void keyTableHoldsTheDataKeyOnlyWrapped() throws SQLException {
    var subject = UUID.randomUUID().toString();
    var sealed = await(vault.seal(subject, BARAKA));

    var wrapped = wrappedKey(subject);
    assertEquals(1 + 12 + 32 + 16, wrapped.length, "version, nonce, encrypted 256-bit key, tag");
    assertEquals(MasterKey.VERSION, wrapped[0]);
    var dataKey = MASTER_KEY.unwrap(subject, wrapped);
    assertEquals(BARAKA, new IdentityCipher(MASTER_KEY).open(subject, dataKey, sealed), "it is the subject's key");
    assertFalse(contains(wrapped, dataKey), "the raw data key is never stored");
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    return IntStream.rangeClosed(0, haystack.length - needle.length).anyMatch(start ->
        Arrays.equals(haystack, start, start + needle.length, needle, 0, needle.length));
  }

  private static int keyRows(String subject) {
    try (var connection = DriverManager.getConnection(database.connectionUrl(), database.user(), database.password());
         var statement = connection.prepareStatement("SELECT count(*) FROM kyc_data_key WHERE subject_id = ?")) {
      statement.setString(1, subject);
      try (var rows = statement.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] wrappedKey(String subject) throws SQLException {
    try (var connection = DriverManager.getConnection(database.connectionUrl(), database.user(), database.password());
         var statement = connection.prepareStatement("SELECT wrapped_key FROM kyc_data_key WHERE subject_id = ?")) {
      statement.setString(1, subject);
      try (var rows = statement.executeQuery()) {
        assertTrue(rows.next());
        return rows.getBytes(1);
      }
    }
  }

  private static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
