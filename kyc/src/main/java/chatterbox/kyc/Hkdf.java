package chatterbox.kyc;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * HKDF-SHA256 (RFC 5869), producing one 32-byte key. Every key of the KYC service is derived for
 * exactly one purpose (the {@code info} label), so that no key is ever used by two algorithms.
 */
final class Hkdf {

  static final int KEY_BYTES = 32;
  private static final String HMAC = "HmacSHA256";

  private Hkdf() {}

  /** The first 32 bytes of HKDF-Expand(HKDF-Extract(salt, inputKey), info). */
  static byte[] deriveKey(byte[] inputKey, byte[] salt, String info) {
    try {
      var extract = Mac.getInstance(HMAC);
      // RFC 5869: an absent salt is a string of HashLen zeros.
      extract.init(new SecretKeySpec(salt.length == 0 ? new byte[KEY_BYTES] : salt, HMAC));
      var pseudoRandomKey = extract.doFinal(inputKey);

      var expand = Mac.getInstance(HMAC);
      expand.init(new SecretKeySpec(pseudoRandomKey, HMAC));
      expand.update(info.getBytes(StandardCharsets.UTF_8));
      expand.update((byte) 1); // T(1): one block of SHA-256 output is exactly the 32 bytes we need
      return expand.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }
}
