package chatterbox.kyc;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A subject id: a UUID chosen by the app, in its canonical 8-4-4-4-12 form. Upper and lower case
 * name the same subject, so ids are kept in lower case: one entity and one key row per subject.
 */
final class SubjectId {

  // UUID.fromString alone also accepts forms such as "1-2-3-4-5"; only the canonical form is an id.
  private static final Pattern CANONICAL =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private SubjectId() {}

  /** The id in lower case, or empty when {@code raw} is not a UUID. */
  static Optional<String> parse(String raw) {
    if (raw == null || !CANONICAL.matcher(raw).matches()) return Optional.empty();
    return Optional.of(raw.toLowerCase(Locale.ROOT));
  }
}
