package chatterbox.platform.identity;

import java.text.Normalizer;
import java.util.Optional;
import java.util.regex.Pattern;

/** A person's full name as they write it: letters of any script, spaces, apostrophes and hyphens. */
public final class FullName {

  public static final int MAX_LENGTH = 100;
  // \p{L} letters and \p{M} combining marks (many scripts need them), separated by space, ' or -.
  private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{M}]+(?:[ '’-]+[\\p{L}\\p{M}]+)*");

  private FullName() {}

  /** Why {@code raw} is not an acceptable name, or empty when it is. */
  public static Optional<String> problem(String raw) {
    if (raw == null) return Optional.of("is required");
    var name = normalize(raw);
    if (name.isEmpty()) return Optional.of("is required");
    if (name.codePointCount(0, name.length()) > MAX_LENGTH) {
      return Optional.of("must be at most " + MAX_LENGTH + " characters");
    }
    if (!ALLOWED.matcher(name).matches()) {
      return Optional.of("may contain only letters, spaces, apostrophes and hyphens");
    }
    return Optional.empty();
  }

  /** Trimmed, inner runs of spaces collapsed, in Unicode NFC. */
  public static String normalize(String raw) {
    return Normalizer.normalize(raw.strip().replaceAll("\\s+", " "), Normalizer.Form.NFC);
  }
}
