package chatterbox.account;

import chatterbox.platform.crypto.HmacSha256;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;

/**
 * Bearer tokens: {@code v1.<username>.<sessionId>.<expiresEpochSeconds>.<signature>}, signed with
 * HMAC-SHA256 under {@code CHATTERBOX_TOKEN_SECRET}. Any node verifies them without a lookup; the
 * account entity remembers revoked session ids until they would have expired.
 */
public final class SessionTokens {

  /** A verified token's content. */
  public record Session(String username, String sessionId, Instant expiresAt) {}

  private static final String VERSION = "v1";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final HmacSha256 hmac;
  private final Duration ttl;

  public SessionTokens(String secret, Duration ttl) {
    this.hmac = HmacSha256.ofSecret(secret);
    this.ttl = ttl;
  }

  /** A new session for {@code username} and its token. */
  public Issued issue(String username, Instant now) {
    var sessionIdBytes = new byte[16];
    RANDOM.nextBytes(sessionIdBytes);
    var session = new Session(username, B64.encodeToString(sessionIdBytes), now.plus(ttl).truncatedTo(ChronoUnit.SECONDS));
    var payload = String.join(".", VERSION, session.username(), session.sessionId(),
        Long.toString(session.expiresAt().getEpochSecond()));
    return new Issued(payload + "." + sign(payload), session);
  }

  public record Issued(String token, Session session) {}

  /** The session a token stands for, if its signature is ours and it has not expired. */
  public Optional<Session> verify(String token, Instant now) {
    if (token == null || token.length() > 256) return Optional.empty();
    var parts = token.split("\\.", -1);
    if (parts.length != 5 || !VERSION.equals(parts[0])) return Optional.empty();
    var payload = token.substring(0, token.lastIndexOf('.'));
    if (!HmacSha256.equal(sign(payload), parts[4])) {
      return Optional.empty();
    }
    try {
      var expiresAt = Instant.ofEpochSecond(Long.parseLong(parts[3]));
      return expiresAt.isAfter(now) ? Optional.of(new Session(parts[1], parts[2], expiresAt)) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private String sign(String payload) {
    return B64.encodeToString(hmac.mac(payload));
  }
}
