package chatterbox.deploy;

import java.util.Map;
import java.util.Set;

/** Environment variables that are not {@code ${?NAME}} substitutions of chatterbox.conf or kyc.conf. */
final class KnownVariables {

  private KnownVariables() {}

  /** Read by the services' code, each in the source file named (checked by {@link DockerfilesTest}). */
  static final Map<String, String> READ_BY_CODE_IN = Map.of(
      "CHATTERBOX_CONFIG_FILE", "app/src/main/java/chatterbox/ChatterBoxApp.java",
      "KYC_CONFIG_FILE", "kyc/src/main/java/chatterbox/kyc/KycService.java");

  static final Set<String> READ_BY_CODE = READ_BY_CODE_IN.keySet();

  /** Read by the JVM itself. */
  static final Set<String> JVM = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

  /** Read by the official postgres image's entrypoint. */
  static final Set<String> POSTGRES_IMAGE = Set.of("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "PGDATA",
      "POSTGRES_INITDB_ARGS");
}
