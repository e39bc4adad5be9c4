package chatterbox.kyc;

import chatterbox.platform.config.Secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The KYC master key ({@code kyc.secrets.master-key}). It never encrypts personal data itself: it
 * wraps each subject's data key, and salts the keys of the data hashes. Two subkeys are derived
 * from it with HKDF-SHA256, one per purpose, so the secret itself is used by no algorithm.
 *
 * <p><b>Format.</b> In production: the standard base64 encoding of 32 random bytes, e.g. the
 * output of {@code openssl rand -base64 32}. The development default (any value starting with
 * {@code dev-only-}, which a production start refuses, see {@link Secrets}) is instead hashed with
 * SHA-256 into 32 bytes, so the service runs with no setup. Any other value is refused at start:
 * a short or mistyped key must never silently protect real data.
 *
 * <p><b>Wrapped data keys</b> are {@code version (1 byte) || nonce (12) || AES-256-GCM(data key) ||
 * tag (16)}, with the subject id as associated data, so a wrapped key moved onto another subject's
 * row does not unwrap. The version byte leaves room for rotation: a new master key would be
 * version 2, with the old one kept for unwrapping until every row has been rewrapped.
 */
final class MasterKey {

  static final byte VERSION = 1;
  private static final String WRAP_INFO = "chatterbox-kyc/key-encryption/v1";
  private static final String HASH_SALT_INFO = "chatterbox-kyc/data-hash-salt/v1";
  private static final String WRAP_AAD_PREFIX = "chatterbox-kyc/data-key/v1|";

  private final byte[] keyEncryptionKey;
  private final byte[] dataHashSalt;

  private MasterKey(byte[] secret) {
    this.keyEncryptionKey = Hkdf.deriveKey(secret, new byte[0], WRAP_INFO);
    this.dataHashSalt = Hkdf.deriveKey(secret, new byte[0], HASH_SALT_INFO);
  }

  /**
   * Reads the configured secret.
   *
   * @throws IllegalArgumentException when it is neither a development default nor base64 of 32
   *     bytes (the message never contains the value)
   */
  static MasterKey fromSecret(String configured) {
    if (configured == null || configured.isBlank()) {
      throw new IllegalArgumentException("kyc.secrets.master-key is empty");
    }
    if (configured.startsWith(Secrets.DEV_PREFIX)) {
      return new MasterKey(sha256(configured.getBytes(StandardCharsets.UTF_8)));
    }
    byte[] secret;
    try {
      secret = Base64.getDecoder().decode(configured.trim());
    } catch (IllegalArgumentException e) {
      secret = new byte[0];
    }
    if (secret.length != AesGcm.KEY_BYTES) {
      throw new IllegalArgumentException("kyc.secrets.master-key must be the base64 encoding of 32 random bytes"
          + " (e.g. `openssl rand -base64 32`)");
    }
    try {
      return new MasterKey(secret);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** Encrypts a subject's data key for storage in its {@code kyc_data_key} row. */
  byte[] wrap(String subjectId, byte[] dataKey) {
    var nonce = AesGcm.randomNonce();
    var sealed = AesGcm.encrypt(keyEncryptionKey, nonce, dataKey, wrapAad(subjectId));
    return ByteBuffer.allocate(1 + nonce.length + sealed.length).put(VERSION).put(nonce).put(sealed).array();
  }

  /** The data key inside {@code wrapped}, which must have been wrapped for {@code subjectId}. */
  byte[] unwrap(String subjectId, byte[] wrapped) {
    if (wrapped.length < 1 + AesGcm.NONCE_BYTES || wrapped[0] != VERSION) {
      throw new AesGcm.CiphertextRejectedException();
    }
    var nonce = Arrays.copyOfRange(wrapped, 1, 1 + AesGcm.NONCE_BYTES);
    var sealed = Arrays.copyOfRange(wrapped, 1 + AesGcm.NONCE_BYTES, wrapped.length);
    return AesGcm.decrypt(keyEncryptionKey, nonce, sealed, wrapAad(subjectId));
  }

  /** Salt of every subject's data-hash key; see {@link IdentityCipher#dataHash}. */
  byte[] dataHashSalt() {
    return dataHashSalt.clone();
  }

  private static byte[] wrapAad(String subjectId) {
    return (WRAP_AAD_PREFIX + subjectId).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "MasterKey[redacted]";
  }
}
