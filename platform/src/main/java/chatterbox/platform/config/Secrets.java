package chatterbox.platform.config;

import chatterbox.platform.crypto.HmacSha256;
import com.typesafe.config.Config;

import java.util.ArrayList;
import java.util.List;

/**
 * Secrets come from the environment. Each has a development default so that the product runs
 * with no setup; every such default starts with {@value #DEV_PREFIX}, and a service configured
 * as production refuses to start while any secret is a development default or too short.
 */
public final class Secrets {

  public static final String DEV_PREFIX = "dev-only-";
  private static final int MIN_PRODUCTION_LENGTH = 32;

  private Secrets() {}

  /**
   * Checks every secret under {@code secretsBlock} when {@code production} is set.
   *
   * @throws IllegalStateException naming each offending secret (never its value)
   */
  public static void checkForProduction(Config secretsBlock, String blockPath, boolean production) {
    if (!production) return;
    List<String> problems = new ArrayList<>();
    for (var entry : secretsBlock.entrySet()) {
      var value = String.valueOf(entry.getValue().unwrapped());
      if (value.startsWith(DEV_PREFIX)) {
        problems.add(blockPath + "." + entry.getKey() + " is the development default");
      } else if (value.length() < MIN_PRODUCTION_LENGTH) {
        problems.add(blockPath + "." + entry.getKey() + " is shorter than " + MIN_PRODUCTION_LENGTH + " characters");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("Refusing to start in production: " + String.join("; ", problems)
          + ". Set them from the environment (see README).");
    }
  }

  /** Compares two secrets in time that does not depend on where they differ. */
  public static boolean constantTimeEquals(String expected, String given) {
    return HmacSha256.equal(expected, given);
  }
}
