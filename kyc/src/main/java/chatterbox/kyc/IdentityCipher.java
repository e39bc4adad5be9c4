package chatterbox.kyc;

import chatterbox.platform.http.Json;
import com.fasterxml.jackson.core.JsonProcessingException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Seals a subject's {@link Identity} under that subject's data key, and opens it again. Pure
 * computation: where the data key comes from is {@link SubjectVault}'s business.
 *
 * <p>Scheme {@value #KEY_VERSION}: the identity as JSON, encrypted with AES-256-GCM under the
 * subject's data key, a random nonce, and {@code "chatterbox-kyc/identity/v1|" + subjectId} as
 * associated data, so that ciphertext copied into another subject's events does not open.
 */
final class IdentityCipher {

  static final int KEY_VERSION = 1;
  private static final String IDENTITY_AAD_PREFIX = "chatterbox-kyc/identity/v1|";
  private static final String DATA_HASH_INFO = "chatterbox-kyc/data-hash/v1";
  private static final Base64.Encoder BASE64 = Base64.getEncoder();
  private static final Base64.Decoder BASE64_DECODER = Base64.getDecoder();

  private final byte[] dataHashSalt;

  IdentityCipher(MasterKey masterKey) {
    this.dataHashSalt = masterKey.dataHashSalt();
  }

  SealedIdentity seal(String subjectId, byte[] dataKey, Identity identity) {
    var nonce = AesGcm.randomNonce();
    var plaintext = toJson(identity);
    try {
      var ciphertext = AesGcm.encrypt(dataKey, nonce, plaintext, identityAad(subjectId));
      return new SealedIdentity(KEY_VERSION, BASE64.encodeToString(nonce), BASE64.encodeToString(ciphertext),
          dataHash(dataKey, identity));
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /**
   * The identity {@code sealed} holds.
   *
   * @throws AesGcm.CiphertextRejectedException when it was altered, sealed for another subject, or
   *     sealed under another data key
   */
  Identity open(String subjectId, byte[] dataKey, SealedIdentity sealed) {
    if (sealed.keyVersion() != KEY_VERSION) {
      throw new IllegalStateException("unknown identity key version " + sealed.keyVersion());
    }
    byte[] nonce;
    byte[] ciphertext;
    try {
      nonce = BASE64_DECODER.decode(sealed.nonce());
      ciphertext = BASE64_DECODER.decode(sealed.ciphertext());
    } catch (IllegalArgumentException e) {
      throw new AesGcm.CiphertextRejectedException();
    }
    var plaintext = AesGcm.decrypt(dataKey, nonce, ciphertext, identityAad(subjectId));
    try {
      return Json.MAPPER.readValue(plaintext, Identity.class);
    } catch (IOException e) {
      // The cause is left out on purpose: Jackson's messages quote the input, here plaintext.
      throw new IllegalStateException("a sealed identity decrypted to something that is not an identity");
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /**
   * HMAC-SHA256 of the normalized identity under a key derived (HKDF) from the subject's data key,
   * salted with a subkey of the master key. Why not a plain hash: national IDs and names are
   * guessable, so a plain hash in the immutable journal would be a way to confirm guesses for
   * ever. With this key a guess can only be checked by someone holding both the master key and the
   * subject's data key, and by no one once that data key is shredded.
   */
  String dataHash(byte[] dataKey, Identity identity) {
    var hashKey = Hkdf.deriveKey(dataKey, dataHashSalt, DATA_HASH_INFO);
    try {
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(hashKey, "HmacSHA256"));
      // Canonical form: the national ID is exactly 20 digits, so the separator cannot be ambiguous.
      mac.update((identity.nationalId() + "\n" + identity.fullName()).getBytes(StandardCharsets.UTF_8));
      return BASE64.encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    } finally {
      Arrays.fill(hashKey, (byte) 0);
    }
  }

  private static byte[] toJson(Identity identity) {
    try {
      return Json.MAPPER.writeValueAsBytes(identity);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write an identity as JSON");
    }
  }

  private static byte[] identityAad(String subjectId) {
    return (IDENTITY_AAD_PREFIX + subjectId).getBytes(StandardCharsets.UTF_8);
  }
}
