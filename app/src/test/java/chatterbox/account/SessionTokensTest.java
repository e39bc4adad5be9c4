package chatterbox.account;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionTokensTest {

  private final SessionTokens tokens = new SessionTokens("secret-one", Duration.ofHours(1));
  private final Instant now = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void issuedTokenVerifiesUntilItExpires() {
    var issued = tokens.issue("alice", now);
    assertEquals(issued.session(), tokens.verify(issued.token(), now.plusSeconds(3599)).orElseThrow());
    assertTrue(tokens.verify(issued.token(), now.plusSeconds(3600)).isEmpty());
  }

  @Test
  void forgedOrAlteredTokensAreRefused() {
    var issued = tokens.issue("alice", now).token();
    assertTrue(new SessionTokens("secret-two", Duration.ofHours(1)).verify(issued, now).isEmpty(), "other key");
    assertTrue(tokens.verify(issued.replace("alice", "mallo"), now).isEmpty(), "other user");
    var parts = issued.split("\\.");
    var extended = String.join(".", parts[0], parts[1], parts[2], Long.toString(Long.parseLong(parts[3]) + 86400), parts[4]);
    assertTrue(tokens.verify(extended, now.plusSeconds(7200)).isEmpty(), "extended expiry");
    assertTrue(tokens.verify("garbage", now).isEmpty());
    assertTrue(tokens.verify("v1.a.b.notanumber.sig", now).isEmpty());
  }
}
