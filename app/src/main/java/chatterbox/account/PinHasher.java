package chatterbox.account;

import chatterbox.platform.crypto.HmacSha256;

import java.util.Base64;

/**
 * Turns a PIN into the only form ChatterBox keeps: HMAC-SHA256 under a server-side key
 * ({@code CHATTERBOX_PIN_KEY}), bound to the username. A salted hash would not do: 10,000
 * candidates are tried in microseconds. Without the key, which never enters the database, a dump of
 * the journal verifies no PIN.
 */
public final class PinHasher {

  private final HmacSha256 hmac;

  public PinHasher(String secret) {
    this.hmac = HmacSha256.ofSecret(secret);
  }

  /** The keyed hash of {@code pin} for {@code username} (canonical form), base64. */
  public String hash(String username, String pin) {
    return Base64.getEncoder().encodeToString(hmac.mac(username, pin));
  }

  /** Compares two hashes in constant time. */
  public static boolean matches(String stored, String candidate) {
    return HmacSha256.equal(stored, candidate);
  }
}
