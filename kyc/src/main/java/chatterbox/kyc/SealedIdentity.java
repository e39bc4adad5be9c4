package chatterbox.kyc;

import chatterbox.platform.serialization.JsonSerializable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A subject's identity as the journal keeps it: ciphertext, and nothing a reader could learn the
 * name or the national ID from. Byte fields are base64 strings so the record has value equality.
 *
 * @param keyVersion the scheme that sealed it. 1 = AES-256-GCM under the subject's data key, a
 *     random 96-bit nonce, and the subject id in the associated data (see {@link IdentityCipher}).
 *     Every event keeps it because the journal is immutable: after a future change of scheme, old
 *     and new events must both remain readable (until their data key is shredded).
 * @param nonce base64 of the GCM nonce
 * @param ciphertext base64 of the encrypted identity, GCM tag appended
 * @param dataHash base64 HMAC-SHA256 of the normalized identity, keyed per subject (see
 *     {@link IdentityCipher#dataHash}): equal for equal data of one subject, so a retried
 *     registration is recognised without decrypting anything
 */
public record SealedIdentity(int keyVersion, String nonce, String ciphertext, String dataHash)
    implements JsonSerializable {

  /** Whether both seal the same identity of the same subject (a constant-time comparison). */
  public boolean sameDataAs(SealedIdentity other) {
    return MessageDigest.isEqual(
        dataHash.getBytes(StandardCharsets.US_ASCII), other.dataHash.getBytes(StandardCharsets.US_ASCII));
  }
}
