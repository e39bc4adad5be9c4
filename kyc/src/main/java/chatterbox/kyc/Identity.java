package chatterbox.kyc;

/**
 * A subject's personal data in the clear, already validated and normalized: the full name (see
 * {@code FullName.normalize}) and the 20 digits of the national ID. It exists only in memory,
 * between an HTTP request or response and {@link IdentityCipher}; it is never a message, never an
 * event, and never logged ({@link #toString()} is redacted for that reason).
 */
record Identity(String fullName, String nationalId) {

  @Override
  public String toString() {
    return "Identity[redacted]";
  }
}
