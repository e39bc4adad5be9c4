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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * akka-persistence-jdbc's journal DAO (PostgreSQL only) with one change: a batch of events and
 * their tags is written by one statement, where the library's own DAO (5.2) sends one {@code INSERT
 * ... RETURNING} per event, one per tag row, and the transaction's begin and commit. The journal
 * already gathers the writes of many entities into one batch ({@code jdbc-journal.batchSize},
 * {@code parallelism}); this makes such a batch one round trip to PostgreSQL: an insert of the
 * events, unnested from one array per column, whose {@code RETURNING} feeds the insert of the tag
 * rows in the same statement, run in autocommit (a statement is atomic on its own, and its commit
 * travels with it). Every round trip saved is two wake-ups saved on a machine whose cores the
 * database shares with the node (the transfers benchmark, docs/performance.md, Changes 14, 26 and 45).
 *
 * <p>Written exactly as the library writes: the same columns and values, events in ascending
 * sequence number (so each entity's events take ascending {@code ordering} values, which the tag
 * queries read by), the batch atomic (one failed row fails every write of the batch, as before).
 * A batch of more than {@link #MAX_ROWS_PER_STATEMENT} events is written in chunks inside one
 * transaction. Reads, deletes and everything else are the library's.
 */
public class MultiRowJournalDao extends DefaultJournalDao {

  /** Events per statement at most. */
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

  /**
   * The batch's statement: events and tags in one, or a transaction of such statements for a batch
   * too large for one. Each column travels as one array parameter and the statement unnests them,
   * so its text is the same for every batch: the driver parses it once per connection and, after a
   * few uses, PostgreSQL keeps it prepared, where a statement with a row of placeholders per event
   * was new text for almost every batch size, parsed and planned anew each time.
   */
  static final class JournalRowsInsert {
    private final String insertEvents;
    private final String insertEventsAndTags;

    JournalRowsInsert(EventJournalTableConfiguration journal, EventTagTableConfiguration tags) {
      var c = journal.columnNames();
      var columns = String.join(", ", c.deleted(), c.persistenceId(), c.sequenceNumber(), c.writer(), c.writeTimestamp(),
          c.adapterManifest(), c.eventSerId(), c.eventSerManifest(), c.eventPayload(), c.metaSerId(),
          c.metaSerManifest(), c.metaPayload());
      // The events go in the arrays' order (each entity's in ascending sequence number), so that
      // each entity's events take ascending orderings.
      this.insertEvents = "INSERT INTO " + qualified(journal.schemaName(), journal.tableName()) + " (" + columns + ")"
          + " SELECT " + columns + " FROM unnest(?::boolean[], ?::text[], ?::bigint[], ?::text[], ?::bigint[], ?::text[],"
          + " ?::integer[], ?::text[], ?::bytea[], ?::integer[], ?::text[], ?::bytea[]) WITH ORDINALITY"
          + " AS event(" + columns + ", position) ORDER BY position";
      // The tag rows name their event by persistence id and sequence number; the join finds the
      // ordering the events' insert just took.
      this.insertEventsAndTags = "WITH inserted AS (" + insertEvents
          + " RETURNING " + c.persistenceId() + ", " + c.sequenceNumber() + ", " + c.ordering() + ")"
          + " INSERT INTO " + qualified(tags.schemaName(), tags.tableName())
          + " (" + tags.columnNames().eventId() + ", " + tags.columnNames().tag() + ")"
          + " SELECT inserted." + c.ordering() + ", tags.tag FROM inserted"
          + " JOIN unnest(?::text[], ?::bigint[], ?::text[]) AS tags(persistence_id, sequence_number, tag)"
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

    /** The rows in order, cut every {@link #MAX_ROWS_PER_STATEMENT}. */
    private static List<List<TaggedRow>> chunks(List<TaggedRow> rows) {
      var chunks = new ArrayList<List<TaggedRow>>();
      for (int from = 0; from < rows.size(); from += MAX_ROWS_PER_STATEMENT) {
        chunks.add(rows.subList(from, Math.min(from + MAX_ROWS_PER_STATEMENT, rows.size())));
      }
      return chunks;
    }

    /** One statement: the rows (in the order given) and their tags. */
    private void insert(Connection connection, List<TaggedRow> rows) throws SQLException {
      int tagCount = rows.stream().mapToInt(r -> r.tags().size()).sum();
      try (var statement = connection.prepareStatement(tagCount == 0 ? insertEvents : insertEventsAndTags)) {
        bindEvents(statement, rows);
        if (tagCount > 0) bindTags(statement, rows, tagCount);
        int written = statement.executeUpdate();
        int expected = tagCount == 0 ? rows.size() : tagCount;
        if (written != expected) {
          throw new SQLException("journal insert wrote " + written + " rows where " + expected + " were due (" + rows.size() + " events, " + tagCount + " tags)");
        }
      }
    }

    /** The events' twelve columns, an array each (the driver encodes Java arrays as PostgreSQL arrays). */
    private static void bindEvents(PreparedStatement statement, List<TaggedRow> rows) throws SQLException {
      int n = rows.size();
      var deleted = new boolean[n];
      var persistenceIds = new String[n];
      var sequenceNumbers = new long[n];
      var writers = new String[n];
      var writeTimestamps = new long[n];
      var adapterManifests = new String[n];
      var eventSerIds = new int[n];
      var eventSerManifests = new String[n];
      var eventPayloads = new byte[n][];
      var metaSerIds = new Integer[n];
      var metaSerManifests = new String[n];
      var metaPayloads = new byte[n][];
      for (int i = 0; i < n; i++) {
        var row = rows.get(i).row();
        deleted[i] = row.deleted();
        persistenceIds[i] = row.persistenceId();
        sequenceNumbers[i] = row.sequenceNumber();
        writers[i] = row.writer();
        writeTimestamps[i] = row.writeTimestamp();
        adapterManifests[i] = row.adapterManifest();
        eventSerIds[i] = row.eventSerId();
        eventSerManifests[i] = row.eventSerManifest();
        eventPayloads[i] = row.eventPayload();
        metaSerIds[i] = row.metaSerId().isDefined() ? (Integer) row.metaSerId().get() : null;
        metaSerManifests[i] = row.metaSerManifest().isDefined() ? row.metaSerManifest().get() : null;
        metaPayloads[i] = row.metaPayload().isDefined() ? row.metaPayload().get() : null;
      }
      Object[] columns = {deleted, persistenceIds, sequenceNumbers, writers, writeTimestamps, adapterManifests,
          eventSerIds, eventSerManifests, eventPayloads, metaSerIds, metaSerManifests, metaPayloads};
      for (int i = 0; i < columns.length; i++) statement.setObject(i + 1, columns[i]);
    }

    /** The tag rows' three columns, after the events' twelve. */
    private static void bindTags(PreparedStatement statement, List<TaggedRow> rows, int tagCount) throws SQLException {
      var persistenceIds = new String[tagCount];
      var sequenceNumbers = new long[tagCount];
      var tags = new String[tagCount];
      int t = 0;
      for (var tagged : rows) {
        for (var tag : tagged.tags()) {
          persistenceIds[t] = tagged.row().persistenceId();
          sequenceNumbers[t] = tagged.row().sequenceNumber();
          tags[t++] = tag;
        }
      }
      statement.setObject(13, persistenceIds);
      statement.setObject(14, sequenceNumbers);
      statement.setObject(15, tags);
    }

    private static String qualified(Option<String> schema, String table) {
      return schema.isDefined() ? schema.get() + "." + table : table;
    }
  }

}
