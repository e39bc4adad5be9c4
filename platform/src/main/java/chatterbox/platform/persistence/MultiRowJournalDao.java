package chatterbox.platform.persistence;

import akka.persistence.jdbc.config.EventJournalTableConfiguration;
import akka.persistence.jdbc.config.EventTagTableConfiguration;
import akka.persistence.jdbc.config.JournalConfig;
import akka.persistence.jdbc.journal.dao.DefaultJournalDao;
import akka.persistence.jdbc.journal.dao.JournalTables.JournalAkkaSerializationRow;
import akka.serialization.Serialization;
import akka.stream.Materializer;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * akka-persistence-jdbc's journal DAO (PostgreSQL only) with one change: a batch of events is
 * written with one multi-row {@code INSERT} for the events and one for their tags, where the
 * library's own DAO (5.2) sends one {@code INSERT ... RETURNING} per event. The journal already
 * gathers the writes of many entities into one batch and one transaction ({@code jdbc-journal.batchSize},
 * {@code parallelism}); this makes such a batch two statements instead of one per event plus one per
 * tag row.
 *
 * <p>Written exactly as the library writes: the same columns and values, in one transaction, events
 * in ascending sequence number (so each entity's events take ascending {@code ordering} values, which
 * the tag queries read by), the batch atomic (one failed row fails every write of the batch, as
 * before). Reads, deletes and everything else are the library's.
 */
public class MultiRowJournalDao extends DefaultJournalDao {

  /** Rows per statement, so a statement stays well under PostgreSQL's 65,535 parameters. */
  static final int MAX_ROWS_PER_STATEMENT = 1000;

  private final JournalRowsInsert insert;

  /** The constructor akka-persistence-jdbc calls, by reflection, for {@code jdbc-journal.dao}. */
  public MultiRowJournalDao(JdbcBackend.DatabaseDef db, JdbcProfile profile, JournalConfig journalConfig,
                            Serialization serialization, ExecutionContext ec, Materializer mat) {
    super(db, profile, journalConfig, serialization, ec, mat);
    this.insert = new JournalRowsInsert(journalConfig.eventJournalTableConfiguration(), journalConfig.eventTagTableConfiguration());
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Future<BoxedUnit> writeJournalRows(Seq<Tuple2<JournalAkkaSerializationRow, Set<String>>> rows) {
    var events = new ArrayList<TaggedRow>(rows.size());
    rows.foreach(row -> events.add(new TaggedRow(row._1(), CollectionConverters.asJava(row._2()))));
    var action = SimpleJdbcAction.apply(context -> {
      inTransaction(context.connection(), connection -> insert.write(connection, events));
      return BoxedUnit.UNIT;
    });
    // DBIOAction's effect parameter is contravariant in Scala, which Java's generics cannot say.
    return db().run((DBIOAction) action);
  }

  interface SqlWork {
    void run(Connection connection) throws SQLException;
  }

  /** Runs {@code work} in one transaction and hands the connection back in the commit mode it came in. */
  static void inTransaction(Connection connection, SqlWork work) {
    try {
      var autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        work.run(connection);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new JournalWriteException(e);
    }
  }

  /** A journal row as the library hands it over, with its tags. */
  record TaggedRow(JournalAkkaSerializationRow row, java.util.Set<String> tags) {}

  static final class JournalWriteException extends RuntimeException {
    JournalWriteException(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** The two multi-row statements, on a connection whose transaction the caller owns. */
  static final class JournalRowsInsert {
    private static final int EVENT_COLUMNS = 12;

    private final String insertEvents;
    private final String insertTags;
    private final String persistenceIdColumn;
    private final String sequenceNumberColumn;
    private final String orderingColumn;

    JournalRowsInsert(EventJournalTableConfiguration journal, EventTagTableConfiguration tags) {
      var c = journal.columnNames();
      this.persistenceIdColumn = c.persistenceId();
      this.sequenceNumberColumn = c.sequenceNumber();
      this.orderingColumn = c.ordering();
      this.insertEvents = "INSERT INTO " + qualified(journal.schemaName(), journal.tableName()) + " ("
          + String.join(", ", c.deleted(), c.persistenceId(), c.sequenceNumber(), c.writer(), c.writeTimestamp(),
              c.adapterManifest(), c.eventSerId(), c.eventSerManifest(), c.eventPayload(), c.metaSerId(),
              c.metaSerManifest(), c.metaPayload())
          + ") VALUES ";
      this.insertTags = "INSERT INTO " + qualified(tags.schemaName(), tags.tableName()) + " ("
          + tags.columnNames().eventId() + ", " + tags.columnNames().tag() + ") VALUES ";
    }

    void write(Connection connection, List<TaggedRow> rows) throws SQLException {
      var sorted = new ArrayList<>(rows);
      sorted.sort(Comparator.comparingLong(r -> r.row().sequenceNumber()));
      for (int from = 0; from < sorted.size(); from += MAX_ROWS_PER_STATEMENT) {
        var chunk = sorted.subList(from, Math.min(sorted.size(), from + MAX_ROWS_PER_STATEMENT));
        var orderings = insertEvents(connection, chunk);
        insertTags(connection, chunk, orderings);
      }
    }

    /** Inserts the rows; answers each row's {@code ordering}, keyed by persistence id and sequence number. */
    private Map<EventKey, Long> insertEvents(Connection connection, List<TaggedRow> rows) throws SQLException {
      var sql = insertEvents + placeholders(rows.size(), EVENT_COLUMNS)
          + " RETURNING " + persistenceIdColumn + ", " + sequenceNumberColumn + ", " + orderingColumn;
      try (var statement = connection.prepareStatement(sql)) {
        int p = 1;
        for (var tagged : rows) p = bindEvent(statement, p, tagged.row());
        var orderings = new HashMap<EventKey, Long>(rows.size() * 2);
        try (var result = statement.executeQuery()) {
          while (result.next()) orderings.put(new EventKey(result.getString(1), result.getLong(2)), result.getLong(3));
        }
        if (orderings.size() != rows.size()) {
          throw new SQLException("journal insert returned " + orderings.size() + " rows for " + rows.size() + " events");
        }
        return orderings;
      }
    }

    private void insertTags(Connection connection, List<TaggedRow> rows, Map<EventKey, Long> orderings) throws SQLException {
      int count = rows.stream().mapToInt(r -> r.tags().size()).sum();
      if (count == 0) return;
      try (var statement = connection.prepareStatement(insertTags + placeholders(count, 2))) {
        int p = 1;
        for (var tagged : rows) {
          long ordering = orderings.get(new EventKey(tagged.row().persistenceId(), tagged.row().sequenceNumber()));
          for (var tag : tagged.tags()) {
            statement.setLong(p++, ordering);
            statement.setString(p++, tag);
          }
        }
        statement.executeUpdate();
      }
    }

    private static int bindEvent(PreparedStatement statement, int p, JournalAkkaSerializationRow row) throws SQLException {
      statement.setBoolean(p++, row.deleted());
      statement.setString(p++, row.persistenceId());
      statement.setLong(p++, row.sequenceNumber());
      statement.setString(p++, row.writer());
      statement.setLong(p++, row.writeTimestamp());
      statement.setString(p++, row.adapterManifest());
      statement.setInt(p++, row.eventSerId());
      statement.setString(p++, row.eventSerManifest());
      statement.setBytes(p++, row.eventPayload());
      Option<Object> metaSerId = row.metaSerId();
      if (metaSerId.isDefined()) statement.setInt(p++, (Integer) metaSerId.get());
      else statement.setNull(p++, Types.INTEGER);
      statement.setString(p++, row.metaSerManifest().isDefined() ? row.metaSerManifest().get() : null);
      if (row.metaPayload().isDefined()) statement.setBytes(p++, row.metaPayload().get());
      else statement.setNull(p++, Types.BINARY);
      return p;
    }

    /** {@code (?, ?), (?, ?)} for rows = 2, columns = 2. */
    private static String placeholders(int rows, int columns) {
      var row = "(" + String.join(", ", Collections.nCopies(columns, "?")) + ")";
      return String.join(", ", Collections.nCopies(rows, row));
    }

    private static String qualified(Option<String> schema, String table) {
      return schema.isDefined() ? schema.get() + "." + table : table;
    }
  }

  private record EventKey(String persistenceId, long sequenceNumber) {}
}
