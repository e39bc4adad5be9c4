package chatterbox.platform.persistence;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Plain JDBC for read models and key tables, kept off the actors' and routes' threads: every call
 * runs on the dedicated {@code chatterbox.blocking-jdbc-dispatcher} and answers with a
 * {@link CompletionStage}.
 */
public final class BlockingJdbc implements AutoCloseable {

  public static final String DISPATCHER = "chatterbox.blocking-jdbc-dispatcher";

  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  private final HikariDataSource dataSource;
  private final Executor executor;

  private BlockingJdbc(HikariDataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  public static BlockingJdbc create(ActorSystem<?> system, Database database, String poolName) {
    var config = new HikariConfig();
    config.setPoolName(poolName);
    config.setJdbcUrl(database.connectionUrl());
    config.setUsername(database.user());
    config.setPassword(database.password());
    config.setMaximumPoolSize(Math.max(2, database.poolSize() / 2));
    config.setMinimumIdle(1);
    var executor = system.dispatchers().lookup(DispatcherSelector.fromConfig(DISPATCHER));
    var jdbc = new BlockingJdbc(new HikariDataSource(config), executor);
    system.getWhenTerminated().thenRun(jdbc::close);
    return jdbc;
  }

  /** Runs {@code work} in a transaction on the blocking dispatcher. */
  public <T> CompletionStage<T> transaction(Work<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try (var connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        try {
          T result = work.apply(connection);
          connection.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          connection.rollback();
          throw e;
        }
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, executor);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
