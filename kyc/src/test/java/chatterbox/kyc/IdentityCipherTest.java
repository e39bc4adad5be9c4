package chatterbox.kyc;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cryptography without storage: sealing identities, wrapping data keys, the master key format. */
class IdentityCipherTest {

  private static final String SUBJECT = "6f1c2b9e-3d4a-4c5b-8e7f-0a1b2c3d4e5f";
  private static final String OTHER_SUBJECT = "0b6d9a3e-1f2c-4d5e-9a8b-7c6d5e4f3a2b";
  private static final Identity AMINA = new Identity("Amina Juma Mwakyusa", "19900215123450000123");

  private final MasterKey masterKey = MasterKey.fromSecret("dev-only-test-master-key");
  private final IdentityCipher cipher = new IdentityCipher(masterKey);
  private final byte[] dataKey = AesGcm.randomKey();

  @Test
  void sealedIdentityOpensToTheSameIdentity() {
    var sealed = cipher.seal(SUBJECT, dataKey, AMINA);

    assertEquals(IdentityCipher.KEY_VERSION, sealed.keyVersion());
    assertEquals(AMINA, cipher.open(SUBJECT, dataKey, sealed));
  }

  @Test
  void sealedIdentityHoldsNoPlaintext() {
    var sealed = cipher.seal(SUBJECT, dataKey, AMINA);
    var everything = sealed.toString() + new String(Base64.getDecoder().decode(sealed.ciphertext()), StandardCharsets.ISO_8859_1);

    assertFalse(everything.contains("Amina"));
    assertFalse(everything.contains("Mwakyusa"));
    assertFalse(everything.contains(AMINA.nationalId()));
    assertFalse(everything.contains("19900215"));
  }

  @Test
  void everySealUsesAFreshNonceButTheSameDataHash() {
    var first = cipher.seal(SUBJECT, dataKey, AMINA);
    var second = cipher.seal(SUBJECT, dataKey, AMINA);

    assertNotEquals(first.nonce(), second.nonce());
    assertNotEquals(first.ciphertext(), second.ciphertext());
    assertTrue(first.sameDataAs(second), "a retried registration must be recognisable");
  }

  @Test
  void dataHashDiffersForOtherDataAndForAnotherDataKey() {
    var sealed = cipher.seal(SUBJECT, dataKey, AMINA);
    var otherName = cipher.seal(SUBJECT, dataKey, new Identity("Amina Juma", AMINA.nationalId()));
    var otherId = cipher.seal(SUBJECT, dataKey, new Identity(AMINA.fullName(), "19900215123450000124"));
    var otherKey = cipher.seal(SUBJECT, AesGcm.randomKey(), AMINA);
    var otherMasterKey = new IdentityCipher(MasterKey.fromSecret("dev-only-another-master-key"))
        .seal(SUBJECT, dataKey, AMINA);

    assertFalse(sealed.sameDataAs(otherName));
    assertFalse(sealed.sameDataAs(otherId));
    assertFalse(sealed.sameDataAs(otherKey), "the hash key is derived from the subject's data key");
    assertFalse(sealed.sameDataAs(otherMasterKey), "the hash key is salted by the master key");
  }

  @Test
  void tamperedCiphertextIsRejected() {
    var sealed = cipher.seal(SUBJECT, dataKey, AMINA);
    var bytes = Base64.getDecoder().decode(sealed.ciphertext());
    bytes[3] ^= 0x01;
    var tampered = new SealedIdentity(sealed.keyVersion(), sealed.nonce(),
        Base64.getEncoder().encodeToString(bytes), sealed.dataHash());

    assertThrows(AesGcm.CiphertextRejectedException.class, () -> cipher.open(SUBJECT, dataKey, tampered));
  }

  @Test
  void tamperedNonceIsRejected() {
    var sealed = cipher.seal(SUBJECT, dataKey, AMINA);
    var nonce = Base64.getDecoder().decode(sealed.nonce());
    nonce[0] ^= 0x01;
    var tampered = new SealedIdentity(sealed.keyVersion(), Base64.getEncoder().encodeToString(nonce),
        sealed.ciphertext(), sealed.dataHash());

    assertThrows(AesGcm.CiphertextRejectedException.class, () -> cipher.open(SUBJECT, dataKey, tampered));
  }

  @Test
  void ciphertextDoesNotOpenForAnotherSubjectOrUnderAnotherKey() {
    var sealed = cipher.seal(SUBJECT, dataKey, AMINA);

    assertThrows(AesGcm.CiphertextRejectedException.class, () -> cipher.open(OTHER_SUBJECT, dataKey, sealed));
    assertThrows(AesGcm.CiphertextRejectedException.class, () -> cipher.open(SUBJECT, AesGcm.randomKey(), sealed));
  }

  @Test
  void wrappedDataKeyUnwrapsOnlyForItsSubjectAndMasterKey() {
    var wrapped = masterKey.wrap(SUBJECT, dataKey);

    assertEquals(MasterKey.VERSION, wrapped[0]);
    assertArrayEquals(dataKey, masterKey.unwrap(SUBJECT, wrapped));
    assertThrows(AesGcm.CiphertextRejectedException.class, () -> masterKey.unwrap(OTHER_SUBJECT, wrapped));
    assertThrows(AesGcm.CiphertextRejectedException.class,
        () -> MasterKey.fromSecret("dev-only-another-master-key").unwrap(SUBJECT, wrapped));

    wrapped[wrapped.length - 1] ^= 0x01;
    assertThrows(AesGcm.CiphertextRejectedException.class, () -> masterKey.unwrap(SUBJECT, wrapped));
  }

  @Test
  void productionMasterKeyIsBase64Of32Bytes() {
    var random = Base64.getEncoder().encodeToString(AesGcm.randomKey());
    var fromBase64 = MasterKey.fromSecret(random);
    assertArrayEquals(dataKey, fromBase64.unwrap(SUBJECT, fromBase64.wrap(SUBJECT, dataKey)));

    var tooShort = Base64.getEncoder().encodeToString(new byte[16]);
    var error = assertThrows(IllegalArgumentException.class, () -> MasterKey.fromSecret(tooShort));
    assertFalse(error.getMessage().contains(tooShort), "the message must not reveal the configured value");
    assertThrows(IllegalArgumentException.class, () -> MasterKey.fromSecret("a passphrase that is not base64!"));
    assertThrows(IllegalArgumentException.class, () -> MasterKey.fromSecret(""));
  }

  @Test
  void identityNeverPrintsItsContent() {
    assertFalse(AMINA.toString().contains("Amina"));
    assertFalse(AMINA.toString().contains(AMINA.nationalId()));
  }
}
