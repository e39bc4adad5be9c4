package chatterbox.kyc;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where encryption happens: seals an identity under its subject's data key (creating that key on
 * first use), opens it again, and shreds the key. Nothing else in the service sees a data key or
 * the master key; the {@link KycRecord} entity only ever holds what this class sealed.
 *
 * <p>Non-blocking: the key table is reached through {@link DataKeyStore}, on the blocking JDBC
 * dispatcher; the cryptography itself takes microseconds and runs where the lookup completes.
 */
final class SubjectVault {

  private final MasterKey masterKey;
  private final IdentityCipher cipher;
  private final DataKeyStore keys;

  SubjectVault(MasterKey masterKey, DataKeyStore keys) {
    this.masterKey = masterKey;
    this.cipher = new IdentityCipher(masterKey);
    this.keys = keys;
  }

  /** Seals {@code identity} under the subject's data key, which is created if it has none. */
  CompletionStage<SealedIdentity> seal(String subjectId, Identity identity) {
    return keys.findOrCreate(subjectId, () -> newWrappedKey(subjectId))
        .thenApply(wrapped -> withDataKey(subjectId, wrapped, dataKey -> cipher.seal(subjectId, dataKey, identity)));
  }

  /**
   * The identity inside {@code sealed}, or empty when the subject's data key has been shredded,
   * meaning the data is gone for good.
   *
   * @throws AesGcm.CiphertextRejectedException (in the stage) when the key exists but does not open
   *     the ciphertext: altered data, or a key created after an interrupted erasure
   */
  CompletionStage<Optional<Identity>> open(String subjectId, SealedIdentity sealed) {
    return keys.find(subjectId).thenApply(wrapped -> wrapped.map(
        key -> withDataKey(subjectId, key, dataKey -> cipher.open(subjectId, dataKey, sealed))));
  }

  /** Deletes the subject's data key (crypto-shredding); true when there was one. Idempotent. */
  CompletionStage<Boolean> shred(String subjectId) {
    return keys.delete(subjectId);
  }

  private byte[] newWrappedKey(String subjectId) {
    var dataKey = AesGcm.randomKey();
    try {
      return masterKey.wrap(subjectId, dataKey);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  private interface WithKey<T> {
    T apply(byte[] dataKey);
  }

  private <T> T withDataKey(String subjectId, byte[] wrapped, WithKey<T> use) {
    var dataKey = masterKey.unwrap(subjectId, wrapped);
    try {
      return use.apply(dataKey);
    } finally {
      Arrays.fill(dataKey, (byte) 0); // keep plain key material in memory no longer than needed
    }
  }
}
