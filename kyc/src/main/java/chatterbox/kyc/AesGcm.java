package chatterbox.kyc;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * AES-256-GCM with a random 96-bit nonce and a 128-bit tag: the one cipher of the KYC service,
 * used both to wrap data keys and to seal identities. Each data key encrypts a handful of
 * messages in its life, so random nonces are far from the collision bound.
 */
final class AesGcm {

  static final int KEY_BYTES = 32;
  static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final SecureRandom RANDOM = new SecureRandom();

  private AesGcm() {}

  static byte[] randomKey() {
    return randomBytes(KEY_BYTES);
  }

  static byte[] randomNonce() {
    return randomBytes(NONCE_BYTES);
  }

  /** The ciphertext with its tag appended; {@code associatedData} is authenticated, not encrypted. */
  static byte[] encrypt(byte[] key, byte[] nonce, byte[] plaintext, byte[] associatedData) {
    try {
      var cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce);
      cipher.updateAAD(associatedData);
      return cipher.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * The plaintext, or {@link CiphertextRejectedException} when the ciphertext, nonce or associated
   * data were altered or the key is not the one that encrypted it.
   */
  static byte[] decrypt(byte[] key, byte[] nonce, byte[] ciphertext, byte[] associatedData) {
    requireKeyLength(key); // our own key of the wrong size is a bug, not a rejected ciphertext
    try {
      var cipher = cipher(Cipher.DECRYPT_MODE, key, nonce);
      cipher.updateAAD(associatedData);
      return cipher.doFinal(ciphertext);
    } catch (AEADBadTagException e) {
      throw new CiphertextRejectedException();
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // A nonce of the wrong length or a truncated ciphertext (stored data, not our code): same verdict.
      throw new CiphertextRejectedException();
    }
  }

  private static void requireKeyLength(byte[] key) {
    if (key.length != KEY_BYTES) throw new IllegalArgumentException("AES-256 needs a 32-byte key");
  }

  private static Cipher cipher(int mode, byte[] key, byte[] nonce) throws GeneralSecurityException {
    requireKeyLength(key);
    var cipher = Cipher.getInstance(TRANSFORMATION);
    cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
    return cipher;
  }

  private static byte[] randomBytes(int count) {
    var bytes = new byte[count];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /** Authentication failed. Carries no detail on purpose: there is nothing safe to add. */
  static final class CiphertextRejectedException extends RuntimeException {
    CiphertextRejectedException() {
      super("ciphertext rejected: altered, or not encrypted under this key for this subject");
    }
  }
}
