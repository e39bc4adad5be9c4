package chatterbox.platform.crypto;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/** HMAC-SHA256 under one secret key, and constant-time comparison of its results. */
public final class HmacSha256 {

  private final SecretKeySpec key;

  public HmacSha256(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  public static HmacSha256 ofSecret(String secret) {
    return new HmacSha256(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** The MAC of the parts, each followed by a zero byte so that ("ab","c") and ("a","bc") differ. */
  public byte[] mac(String... parts) {
    try {
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      for (var part : parts) {
        mac.update(part.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Compares in time that does not depend on where the inputs differ. */
  public static boolean equal(String a, String b) {
    if (a == null || b == null) return false;
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
