package chatterbox.account;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** A username: 3 to 32 of {@code [a-z0-9_]}, unique regardless of case (it is kept lower case). */
public final class Username {

  private static final Pattern VALID = Pattern.compile("[a-z0-9_]{3,32}");

  private Username() {}

  /** The canonical (lower case, trimmed) form under which the account entity is keyed. */
  public static String normalize(String raw) {
    return raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
  }

  /** Why {@code raw} is not a valid username, or empty when it is. */
  public static Optional<String> problem(String raw) {
    if (raw == null || raw.isBlank()) return Optional.of("is required");
    var name = normalize(raw);
    if (name.length() < 3 || name.length() > 32) return Optional.of("must be 3 to 32 characters");
    if (!VALID.matcher(name).matches()) return Optional.of("may contain only a-z, 0-9 and _");
    return Optional.empty();
  }

  public static boolean isValid(String raw) {
    return problem(raw).isEmpty();
  }
}
