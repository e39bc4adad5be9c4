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
import java.util.List;

/**
 * akka-persistence-jdbc's journal DAO (PostgreSQL only) with one change: a batch of events and
 * their tags is written by one statement, where the library's own DAO (5.2) sends one {@code INSERT
 * ... RETURNING} per event, one per tag row, and the transaction's begin and commit. The journal
 * already gathers the writes of many entities into one batch ({@code jdbc-journal.batchSize},
 * {@code parallelism}); this makes such a batch one round trip to PostgreSQL: a multi-row insert of
 * the events whose {@code RETURNING} feeds the insert of the tag rows in the same statement, run in
 * autocommit (a statement is atomic on its own, and its commit travels with it). Every round trip
 * saved is two wake-ups saved on a machine whose cores the database shares with the node (the
 * transfers benchmark, docs/performance.md, Changes 14 and 26).
 *
 * <p>Written exactly as the library writes: the same columns and values, events in ascending
 * sequence number (so each entity's events take ascending {@code ordering} values, which the tag
 * queries read by), the batch atomic (one failed row fails every write of the batch, as before).
 * A batch too large for one statement's parameters is written in chunks inside one transaction.
 * Reads, deletes and everything else are the library's.
 */
public class MultiRowJournalDao extends DefaultJournalDao {

  /** Events per statement at most. */
  static final int MAX_ROWS_PER_STATEMENT = 1000;

  /** Bind parameters one statement may carry (the protocol counts them in 16 bits). */
  static final int MAX_PARAMETERS = 65_535;

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
      insert.writeAtomically(context.connection(), events);
      return BoxedUnit.UNIT;
    });
    // DBIOAction's effect parameter is contravariant in Scala, which Java's generics cannot say.
    return db().run((DBIOAction) action);
  }

  interface SqlWork {
    void run(Connection connection) throws SQLException;
  }

  /** Runs {@code work} in one transaction and hands the connection back in the commit mode it came in. */
  private static void inTransaction(Connection connection, SqlWork work) {
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

  /** The batch's statement: events and tags in one, or a transaction of such statements for a batch too large for one. */
  static final class JournalRowsInsert {
    private static final int EVENT_COLUMNS = 12;
    private static final int TAG_COLUMNS = 3;

    private final String insertEvents;
    private final String insertTagsOfInserted;
    private final String joinedOnTheirEvents;

    JournalRowsInsert(EventJournalTableConfiguration journal, EventTagTableConfiguration tags) {
      var c = journal.columnNames();
      this.insertEvents = "INSERT INTO " + qualified(journal.schemaName(), journal.tableName()) + " ("
          + String.join(", ", c.deleted(), c.persistenceId(), c.sequenceNumber(), c.writer(), c.writeTimestamp(),
              c.adapterManifest(), c.eventSerId(), c.eventSerManifest(), c.eventPayload(), c.metaSerId(),
              c.metaSerManifest(), c.metaPayload())
          + ") VALUES ";
      // The tag rows name their event by persistence id and sequence number; the join finds the
      // ordering the events' insert just took.
      this.insertTagsOfInserted = " RETURNING " + c.persistenceId() + ", " + c.sequenceNumber() + ", " + c.ordering() + ")"
          + " INSERT INTO " + qualified(tags.schemaName(), tags.tableName())
          + " (" + tags.columnNames().eventId() + ", " + tags.columnNames().tag() + ")"
          + " SELECT inserted." + c.ordering() + ", tags.tag FROM inserted JOIN (VALUES ";
      this.joinedOnTheirEvents = ") AS tags(persistence_id, sequence_number, tag)"
          + " ON inserted." + c.persistenceId() + " = tags.persistence_id AND inserted." + c.sequenceNumber() + " = tags.sequence_number";
    }

    /**
     * Writes the batch all or nothing: as one statement in autocommit when it fits one (the usual
     * case: one round trip, commit included), else in a transaction of one statement per chunk.
     */
    void writeAtomically(Connection connection, List<TaggedRow> rows) {
      if (rows.isEmpty()) return;
      var sorted = new ArrayList<>(rows);
      sorted.sort(Comparator.comparingLong(r -> r.row().sequenceNumber()));
      var chunks = chunks(sorted);
      try {
        if (chunks.size() == 1 && connection.getAutoCommit()) {
          insert(connection, chunks.get(0));
        } else {
          inTransaction(connection, c -> {
            for (var chunk : chunks) insert(c, chunk);
          });
        }
      } catch (SQLException e) {
        throw new JournalWriteException(e);
      }
    }

    /** The rows in order, cut where a statement would carry too many events or parameters. */
    private static List<List<TaggedRow>> chunks(List<TaggedRow> rows) {
      var chunks = new ArrayList<List<TaggedRow>>();
      int from = 0;
      int parameters = 0;
      for (int i = 0; i < rows.size(); i++) {
        int needed = EVENT_COLUMNS + TAG_COLUMNS * rows.get(i).tags().size();
        if (i > from && (i - from == MAX_ROWS_PER_STATEMENT || parameters + needed > MAX_PARAMETERS)) {
          chunks.add(rows.subList(from, i));
          from = i;
          parameters = 0;
        }
        parameters += needed;
      }
      chunks.add(rows.subList(from, rows.size()));
      return chunks;
    }

    /** One statement: the rows (in the order given) and their tags. */
    private void insert(Connection connection, List<TaggedRow> rows) throws SQLException {
      int tagCount = rows.stream().mapToInt(r -> r.tags().size()).sum();
      var events = insertEvents + placeholders(rows.size(), EVENT_COLUMNS);
      var sql = tagCount == 0 ? events : "WITH inserted AS (" + events + insertTagsOfInserted + placeholders(tagCount, TAG_COLUMNS) + joinedOnTheirEvents;
      try (var statement = connection.prepareStatement(sql)) {
        int p = 1;
        for (var tagged : rows) p = bindEvent(statement, p, tagged.row());
        for (var tagged : rows) {
          for (var tag : tagged.tags()) {
            statement.setString(p++, tagged.row().persistenceId());
            statement.setLong(p++, tagged.row().sequenceNumber());
            statement.setString(p++, tag);
          }
        }
        int written = statement.executeUpdate();
        int expected = tagCount == 0 ? rows.size() : tagCount;
        if (written != expected) {
          throw new SQLException("journal insert wrote " + written + " rows where " + expected + " were due (" + rows.size() + " events, " + tagCount + " tags)");
        }
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

}
