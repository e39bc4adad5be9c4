package chatterbox.platform.persistence;

import akka.persistence.jdbc.journal.dao.DefaultJournalDao;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/**
 * Where a service keeps its events: PostgreSQL in production (one schema per service, so the KYC
 * data can live apart from the app's), or an embedded H2 file when no database is configured.
 *
 * <p>Read from a HOCON block such as {@code chatterbox.db} with the keys {@code url}, {@code user},
 * {@code password}, {@code schema} and {@code pool-size}.
 */
public record Database(String url, String user, String password, String schema, int poolSize) {

  private static final Logger log = LoggerFactory.getLogger(Database.class);

  public enum Dialect {
    POSTGRES("org.postgresql.Driver", "slick.jdbc.PostgresProfile$"),
    H2("org.h2.Driver", "slick.jdbc.H2Profile$");

    final String driver;
    final String slickProfile;

    Dialect(String driver, String slickProfile) {
      this.driver = driver;
      this.slickProfile = slickProfile;
    }

    /** Folder name of this dialect's migrations. */
    public String folder() {
      return name().toLowerCase();
    }
  }

  public Database {
    if (url == null || url.isBlank()) throw new IllegalArgumentException("database url is empty");
    if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("database schema must match [a-z_][a-z0-9_]*: " + schema);
    }
  }

  public static Database fromConfig(Config block) {
    return new Database(
        block.getString("url"),
        block.getString("user"),
        block.getString("password"),
        block.getString("schema"),
        block.getInt("pool-size"));
  }

  public Dialect dialect() {
    if (url.startsWith("jdbc:postgresql:")) return Dialect.POSTGRES;
    if (url.startsWith("jdbc:h2:")) return Dialect.H2;
    throw new IllegalArgumentException("unsupported database url (PostgreSQL or H2 only): " + url.replaceAll("\\?.*", ""));
  }

  /**
   * The URL every connection uses. On PostgreSQL it selects the service's schema, so the journal,
   * the read models and Flyway's history all live there. An H2 file belongs to one service anyway.
   */
  public String connectionUrl() {
    if (dialect() != Dialect.POSTGRES) return url;
    return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema
        + "&options=-c%20idle_in_transaction_session_timeout%3D" + IDLE_IN_TRANSACTION_LIMIT_MS;
  }

  /**
   * PostgreSQL ends a transaction left open this long (a node frozen between a journal insert and
   * its commit). The journal's tag queries wait longer than this for an ordering gap to fill
   * ({@code jdbc-read-journal.journal-sequence-retrieval.max-tries} in chatterbox.conf), so an event
   * either becomes visible before they give up on its gap or never commits at all: the read models
   * never skip a committed event.
   */
  public static final int IDLE_IN_TRANSACTION_LIMIT_MS = 15_000;

  /**
   * Creates or migrates the schema: the journal tables first, then the service's own tables from
   * {@code <serviceMigrations>/common} (portable SQL) and {@code <serviceMigrations>/<dialect>}.
   */
  public void migrate(String serviceMigrations) {
    migrate("flyway_journal_history", "db/journal/" + dialect().folder());
    migrate("flyway_schema_history", serviceMigrations + "/common", serviceMigrations + "/" + dialect().folder());
    if (dialect() == Dialect.POSTGRES) warnIfAutovacuumOff();
  }

  /**
   * The journal grows fast and only ever at the end; the read side's tag queries need the
   * planner's statistics of it to stay fresh. With autovacuum off nothing analyzes the tables and
   * every estimate stays one made for an empty journal. (Before the read journal planned each query
   * afresh, see {@link #persistenceConfig()}, that kept a plan that took 11 to 50 s per tag query.)
   */
  private void warnIfAutovacuumOff() {
    try (var connection = DriverManager.getConnection(connectionUrl(), user, password);
         var statement = connection.createStatement();
         var row = statement.executeQuery("SHOW autovacuum")) {
      if (row.next() && !"on".equals(row.getString(1))) {
        log.warn("PostgreSQL at {} runs with autovacuum off: nothing keeps the planner's statistics of the journal "
            + "fresh, and the read models' queries slow down as it grows (docs/deployment.md). Turn it on.", redactedUrl());
      }
    } catch (SQLException e) {
      log.warn("Could not ask PostgreSQL whether autovacuum is on: {}", e.getMessage());
    }
  }

  private void migrate(String historyTable, String... locations) {
    var flyway = Flyway.configure()
        .dataSource(url, user, password)
        .locations(java.util.Arrays.stream(locations).map(l -> "classpath:" + l).toArray(String[]::new))
        .table(historyTable)
        .failOnMissingLocations(false)
        // Through logback like everything else (Flyway would otherwise pick java.util.logging).
        .loggers("slf4j")
        // Two histories share one schema: the second step finds the first one's tables, so its
        // history starts below version 1 instead of refusing a non-empty schema.
        .baselineOnMigrate(true)
        .baselineVersion("0");
    if (dialect() == Dialect.POSTGRES) flyway.schemas(schema).createSchemas(true);
    var result = flyway.load().migrate();
    log.info("Schema {} at {}: {} migration(s) applied from {}", schema, redactedUrl(), result.migrationsExecuted,
        String.join(", ", locations));
  }

  /** The URL without its query string, which may carry credentials. */
  public String redactedUrl() {
    return url.replaceAll("[?;].*", "");
  }

  /**
   * The akka-persistence-jdbc configuration for this database: the journal and snapshots share one
   * connection pool ({@code pool-size} connections); the read journal (tag queries, history reads)
   * has its own, half that size.
   *
   * <p>On PostgreSQL the read journal's connections plan every query with its actual values
   * ({@code prepareThreshold=0}) instead of caching a generic plan per connection. The tag query's
   * best plan depends on where its window lies; a generic plan made while the journal was empty
   * (every new database starts so) scanned all of {@code event_tag} once per journal row of the
   * window, and stayed cached until the next ANALYZE: single queries took 2 to 14 seconds in the
   * transfers benchmark's first minute, and forever with autovacuum off. Planning costs well under a
   * millisecond, a few times a second; the journal's writes keep their prepared statements.
   *
   * <p>On PostgreSQL the journal writes each batch of events with two multi-row inserts
   * ({@link MultiRowJournalDao}); H2 keeps the library's DAO.
   */
  public Config persistenceConfig() {
    var dialect = dialect();
    var queriesUrl = connectionUrl() + (dialect == Dialect.POSTGRES ? "&prepareThreshold=0" : "");
    var journalDao = dialect == Dialect.POSTGRES ? MultiRowJournalDao.class.getName() : DefaultJournalDao.class.getName();
    return ConfigFactory.parseMap(Map.of(
            "akka.persistence.journal.plugin", "jdbc-journal",
            "akka.persistence.snapshot-store.plugin", "jdbc-snapshot-store",
            "akka-persistence-jdbc.shared-databases.slick.profile", dialect.slickProfile,
            "akka-persistence-jdbc.shared-databases.queries.profile", dialect.slickProfile,
            "jdbc-journal.use-shared-db", "slick",
            "jdbc-journal.dao", journalDao,
            "jdbc-snapshot-store.use-shared-db", "slick",
            "jdbc-read-journal.use-shared-db", "queries"))
        .withValue("akka-persistence-jdbc.shared-databases.slick.db", pool(connectionUrl(), poolSize))
        .withValue("akka-persistence-jdbc.shared-databases.queries.db", pool(queriesUrl, Math.max(2, poolSize / 2)));
  }

  private ConfigValue pool(String connectionUrl, int size) {
    return ConfigValueFactory.fromMap(Map.of(
        "url", connectionUrl,
        "user", user,
        "password", password,
        "driver", dialect().driver,
        "numThreads", size,
        "maxConnections", size,
        "minConnections", Math.min(2, size)));
  }

  /** Applies {@link #persistenceConfig()} on top of a service's configuration. */
  public Config overlay(Config serviceConfig) {
    return persistenceConfig().withFallback(serviceConfig);
  }

  @Override
  public String toString() {
    return "Database[" + redactedUrl() + ", schema=" + schema + "]";
  }
}
