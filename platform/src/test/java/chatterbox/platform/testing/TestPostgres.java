package chatterbox.platform.testing;

import chatterbox.platform.persistence.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A real PostgreSQL for integration tests. It uses the server at 127.0.0.1:5432 (or
 * {@code CHATTERBOX_TEST_PG}, a JDBC URL of a server where user {@code postgres} may create
 * databases) when one answers, and otherwise starts an embedded PostgreSQL 15 of its own, so that
 * the test command passes on a laptop with no database installed.
 *
 * <p>Each test gets a fresh schema of its own in the database {@code chatterbox_test}, dropped
 * when the test is done.
 */
public final class TestPostgres {

  private static final String TEST_DATABASE = "chatterbox_test";
  private static String serverUrl; // jdbc:postgresql://host:port/
  private static EmbeddedPostgres embedded;

  private TestPostgres() {}

  /** A new, empty schema named {@code <prefix>_<random>} on the test server. */
  public static Database freshDatabase(String prefix) {
    var schema = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    return new Database(server() + TEST_DATABASE, "postgres", "", schema, 8);
  }

  /** Drops the schema of {@code database} and everything in it. */
  public static void drop(Database database) {
    try (var connection = DriverManager.getConnection(database.url(), database.user(), database.password());
         var statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + database.schema() + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop test schema " + database.schema(), e);
    }
  }

  private static synchronized String server() {
    if (serverUrl == null) {
      var configured = System.getenv().getOrDefault("CHATTERBOX_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/");
      serverUrl = reachable(configured) ? configured : startEmbedded();
      createTestDatabase(serverUrl);
    }
    return serverUrl;
  }

  private static boolean reachable(String url) {
    try (var ignored = DriverManager.getConnection(url + "postgres", "postgres", "")) {
      return true;
    } catch (SQLException e) {
      System.err.println("[TestPostgres] no PostgreSQL at " + url + " (" + e.getMessage() + "); starting an embedded one");
      return false;
    }
  }

  private static String startEmbedded() {
    try {
      embedded = EmbeddedPostgres.builder().start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          embedded.close();
        } catch (IOException ignored) {
          // the JVM is going away
        }
      }));
      return "jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/";
    } catch (IOException e) {
      throw new UncheckedIOException("could not start an embedded PostgreSQL", e);
    }
  }

  private static void createTestDatabase(String url) {
    try (var connection = DriverManager.getConnection(url + "postgres", "postgres", "");
         var statement = connection.createStatement()) {
      var exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + TEST_DATABASE + "'").next();
      if (!exists) statement.execute("CREATE DATABASE " + TEST_DATABASE);
    } catch (SQLException e) {
      // Two test JVMs may race to create it; the loser sees it exists.
      if (!"42P04".equals(e.getSQLState())) throw new IllegalStateException("could not create " + TEST_DATABASE, e);
    }
  }
}
