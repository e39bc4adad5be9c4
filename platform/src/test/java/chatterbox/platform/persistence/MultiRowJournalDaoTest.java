package chatterbox.platform.persistence;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.persistence.jdbc.config.JournalConfig;
import akka.persistence.jdbc.journal.dao.JournalTables.JournalAkkaSerializationRow;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import chatterbox.platform.persistence.MultiRowJournalDao.JournalRowsInsert;
import chatterbox.platform.persistence.MultiRowJournalDao.TaggedRow;
import chatterbox.platform.serialization.JsonSerializable;
import chatterbox.platform.testing.TestPostgres;
import chatterbox.platform.runtime.ServiceNode;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Option;

import java.nio.charset.StandardCharsets;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal on PostgreSQL writes a batch of events and their tags with one statement, and what
 * it writes reads back exactly as the library's own DAO would have written it.
 */
class MultiRowJournalDaoTest {

  private static final Database database = TestPostgres.freshDatabase("journal");
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    database.migrate("db/none");
    testKit = ActorTestKit.create("journal", database.overlay(ServiceNode.withServiceDefaults(ConfigFactory.empty())));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    TestPostgres.drop(database);
  }

  /**
   * Many entities appending at once: every event lands once, each entity's events take ascending
   * orderings (what the tag queries read by), every tag row points at its own event, and the events
   * of one persist call and their tags went in as one statement (they share the inserting
   * transaction and command: with one insert per event, as the library's DAO does, or a second
   * statement for the tags, each would have a command of its own).
   */
  @Test
  void concurrentAppendsAreWrittenWholeInOrderAndWithTheirTags() throws Exception {
    var entities = IntStream.range(0, 20).mapToObj(i -> "log-" + i).toList();
    for (int round = 0; round < 2; round++) {
      var acks = new ArrayList<CompletableFuture<Done>>();
      for (var id : entities) {
        var texts = List.of(id + "/" + round + "a", id + "/" + round + "b", id + "/" + round + "c");
        acks.add(append(id, texts).toCompletableFuture());
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    }

    try (var connection = connect()) {
      var orderings = new HashMap<String, List<Long>>();
      var commands = new HashMap<String, Set<String>>();
      try (var rows = connection.createStatement().executeQuery(
          "SELECT persistence_id, sequence_number, ordering, xmin::text, cmin::text FROM event_journal "
              + "WHERE persistence_id LIKE 'Log|%' ORDER BY persistence_id, sequence_number")) {
        while (rows.next()) {
          var id = rows.getString(1);
          orderings.computeIfAbsent(id, k -> new ArrayList<>()).add(rows.getLong(3));
          long round = (rows.getLong(2) - 1) / 3;
          commands.computeIfAbsent(id + "#" + round, k -> new TreeSet<>()).add(rows.getString(4) + "/" + rows.getString(5));
        }
      }
      assertEquals(entities.size(), orderings.size());
      orderings.forEach((id, list) -> {
        assertEquals(6, list.size(), id);
        for (int i = 1; i < list.size(); i++) assertTrue(list.get(i) > list.get(i - 1), id + " orderings " + list);
      });
      commands.forEach((write, inserts) -> assertEquals(1, inserts.size(), write + " inserted by " + inserts));

      var tags = new TreeMap<String, Set<String>>();
      try (var rows = connection.createStatement().executeQuery(
          "SELECT j.persistence_id || '#' || j.sequence_number, t.tag, j.xmin::text || '/' || j.cmin::text, t.xmin::text || '/' || t.cmin::text "
              + "FROM event_tag t JOIN event_journal j ON j.ordering = t.event_id WHERE j.persistence_id LIKE 'Log|%'")) {
        while (rows.next()) {
          tags.computeIfAbsent(rows.getString(1), k -> new TreeSet<>()).add(rows.getString(2));
          assertEquals(rows.getString(3), rows.getString(4), rows.getString(1) + "'s tag " + rows.getString(2) + " written by another command than its event");
        }
      }
      assertEquals(entities.size() * 6, tags.size());
      tags.forEach((event, eventTags) -> {
        long seq = Long.parseLong(event.substring(event.indexOf('#') + 1));
        assertEquals(Log.tagsFor(seq), eventTags, event);
      });
    }

    // The library reads back what was written: a restarted entity recovers every text in order.
    var id = entities.get(7);
    assertEquals(List.of(id + "/0a", id + "/0b", id + "/0c", id + "/1a", id + "/1b", id + "/1c"), textsAfterRestart(id));
  }

  /**
   * While the database holds the journal's writes back, the node's other writes wait in the
   * journal's queue instead of each going out on a connection of its own: at most two statements
   * are out at once ({@code jdbc-journal.parallelism} in the service defaults; the library's default
   * is eight), and the events queued behind them go together when they return. Fewer, fuller
   * statements are what keeps a transfer's cost down below the peak (docs/performance.md, Change 28).
   */
  @Test
  void writesQueueBehindAtMostTwoStatementsInFlight() throws Exception {
    append("warm-up", List.of("the journal is up")).toCompletableFuture().get(20, TimeUnit.SECONDS);
    var entities = IntStream.range(0, 12).mapToObj(i -> "held-" + i).toList();
    var acks = new ArrayList<CompletableFuture<Done>>();
    try (var locker = connect()) {
      locker.setAutoCommit(false);
      locker.createStatement().execute("LOCK TABLE event_journal IN SHARE MODE"); // inserts wait for it
      for (var id : entities) acks.add(append(id, List.of(id + " text")).toCompletableFuture());

      // Wait for the first statements to be out, then watch a second more while the rest arrive.
      int mostOut = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (mostOut < 2 && System.nanoTime() < deadline) {
        mostOut = Math.max(mostOut, journalWritesWaitingForTheLock(locker));
        Thread.sleep(20);
      }
      for (long end = System.nanoTime() + Duration.ofSeconds(1).toNanos(); System.nanoTime() < end; Thread.sleep(20)) {
        mostOut = Math.max(mostOut, journalWritesWaitingForTheLock(locker));
      }
      assertEquals(2, mostOut, "journal statements out at once while the table was locked");
      locker.commit();
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

    try (var connection = connect()) {
      assertEquals(entities.size(), eventCounts(connection, "Log|held-%").size());
      try (var rows = connection.createStatement().executeQuery(
          "SELECT count(DISTINCT xmin::text) FROM event_journal WHERE persistence_id LIKE 'Log|held-%'")) {
        rows.next();
        // Two that were out, then the ten queued behind them in one batch (two, if one returned first).
        assertTrue(rows.getInt(1) <= 4, rows.getInt(1) + " transactions wrote " + entities.size() + " events");
      }
    }
  }

  // Counted by the locks they wait for: a statement waits while it is parsed, before it shows in pg_stat_activity.
  private static int journalWritesWaitingForTheLock(Connection connection) throws SQLException {
    try (var rows = connection.createStatement().executeQuery(
        "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND relation = 'event_journal'::regclass")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  /** A batch is all or nothing: a row that cannot be written fails the whole batch, and nothing of it stays. */
  @Test
  void aBatchWithARowThatCannotBeWrittenLeavesNothing() throws Exception {
    var insert = insert();
    try (var connection = connect()) {
      insert.writeAtomically(connection, List.of(row("Raw|taken", 1, Set.of("raw"))));
      var batch = List.of(row("Raw|fresh", 1, Set.of("raw")), row("Raw|taken", 1, Set.of()), row("Raw|fresh", 2, Set.of("raw")));

      assertThrows(MultiRowJournalDao.JournalWriteException.class, () -> insert.writeAtomically(connection, batch));

      assertEquals(Map.of("Raw|taken", 1L), eventCounts(connection, "Raw|%"));
      assertEquals(1, tagCount(connection, "raw"));
      assertTrue(connection.getAutoCommit(), "the connection is handed back as it came");
    }
  }

  /**
   * A batch too large for one statement goes in chunks, still all or nothing: a conflict in the last
   * chunk takes back the chunks written before it.
   */
  @Test
  void aBatchTooLargeForOneStatementIsStillAllOrNothing() throws Exception {
    var insert = insert();
    int size = MultiRowJournalDao.MAX_ROWS_PER_STATEMENT + 5;
    try (var connection = connect()) {
      insert.writeAtomically(connection, List.of(row("Big|taken", size, Set.of("big"))));
      var clashing = IntStream.rangeClosed(1, size).mapToObj(seq -> row(seq == size ? "Big|taken" : "Big|fresh", seq, Set.of("big"))).toList();

      assertThrows(MultiRowJournalDao.JournalWriteException.class, () -> insert.writeAtomically(connection, clashing));
      assertEquals(Map.of("Big|taken", 1L), eventCounts(connection, "Big|%"));
      assertEquals(1, tagCount(connection, "big"));

      var fine = IntStream.rangeClosed(1, size).mapToObj(seq -> row("Big|fresh", seq, Set.of("big"))).toList();
      insert.writeAtomically(connection, fine);
      assertEquals(Map.of("Big|taken", 1L, "Big|fresh", (long) size), eventCounts(connection, "Big|%"));
      assertEquals(size + 1, tagCount(connection, "big"));
      assertTrue(connection.getAutoCommit(), "the connection is handed back as it came");
    }
  }

  /** An event with many tags, in a full statement: every tag row is written. */
  @Test
  void aFullStatementOfEventsWithManyTagsWritesEveryTag() throws Exception {
    var tags = IntStream.range(0, 30).mapToObj(i -> "many-" + i).collect(java.util.stream.Collectors.toSet());
    var batch = IntStream.rangeClosed(1, MultiRowJournalDao.MAX_ROWS_PER_STATEMENT).mapToObj(seq -> row("Many|tags", seq, tags)).toList();
    try (var connection = connect()) {
      insert().writeAtomically(connection, batch);
      assertEquals(Map.of("Many|tags", (long) batch.size()), eventCounts(connection, "Many|%"));
      assertEquals(batch.size(), tagCount(connection, "many-7"));
      assertEquals(batch.size(), tagCount(connection, "many-29"));
    }
  }

  /**
   * A batch that fits one statement is one round trip: one statement in autocommit, no transaction
   * begun or committed around it (each would be a round trip of its own, and two wake-ups).
   */
  @Test
  void aBatchIsOneStatementWithItsCommit() throws Exception {
    try (var real = connect()) {
      var calls = new ArrayList<String>();
      var counting = watched(real, (method, args) -> calls.add(method));
      insert().writeAtomically(counting, List.of(row("Trip|a", 1, Set.of("trip")), row("Trip|b", 1, Set.of("trip", "other")), row("Trip|a", 2, Set.of())));

      assertEquals(List.of("prepareStatement"), calls.stream().filter(call -> !call.equals("getAutoCommit")).toList());
      assertEquals(Map.of("Trip|a", 2L, "Trip|b", 1L), eventCounts(real, "Trip|%"));
      assertEquals(2, tagCount(real, "trip"));
    }
  }

  /**
   * Batches of any size are the same statement text (one with tags, one without), so the driver
   * parses each once per connection and PostgreSQL can keep them prepared; text that changed with
   * the batch's size was parsed and planned anew for almost every batch.
   */
  @Test
  void everyBatchSizeIsTheSameStatement() throws Exception {
    try (var real = connect()) {
      var statements = new ArrayList<String>();
      var recording = watched(real, (method, args) -> {
        if (method.equals("prepareStatement")) statements.add((String) args[0]);
      });
      var insert = insert();
      insert.writeAtomically(recording, List.of(row("Same|a", 1, Set.of("same"))));
      insert.writeAtomically(recording, IntStream.rangeClosed(1, 7).mapToObj(seq -> row("Same|b", seq, Set.of("same", "other"))).toList());
      insert.writeAtomically(recording, List.of(row("Same|c", 1, Set.of())));
      insert.writeAtomically(recording, IntStream.rangeClosed(1, 3).mapToObj(seq -> row("Same|d", seq, Set.of())).toList());

      assertEquals(4, statements.size());
      assertEquals(statements.get(0), statements.get(1), "one statement for tagged batches of any size");
      assertEquals(statements.get(2), statements.get(3), "one statement for untagged batches of any size");
      assertEquals(Map.of("Same|a", 1L, "Same|b", 7L, "Same|c", 1L, "Same|d", 3L), eventCounts(real, "Same|%"));
      assertEquals(8, tagCount(real, "same"));
    }
  }

  /**
   * Tagging an event writes the tag row only: the journal row stays as its insert left it, with no
   * lock of the tag's insert on it (the library's schema has a foreign key from the tag to its event,
   * whose check locks the event row and writes that to the WAL, once per tag row).
   */
  @Test
  void taggingAnEventLeavesItsJournalRowUntouched() throws Exception {
    try (var connection = connect()) {
      insert().writeAtomically(connection, List.of(row("Quiet|a", 1, Set.of("quiet-1", "quiet-2")), row("Quiet|b", 1, Set.of("quiet-1"))));

      assertEquals(List.of(2L, 1L), List.of(tagCount(connection, "quiet-1"), tagCount(connection, "quiet-2")));
      try (var rows = connection.createStatement().executeQuery(
          "SELECT persistence_id, xmax::text FROM event_journal WHERE persistence_id LIKE 'Quiet|%' ORDER BY 1")) {
        var lockers = new TreeMap<String, String>();
        while (rows.next()) lockers.put(rows.getString(1), rows.getString(2));
        assertEquals(Map.of("Quiet|a", "0", "Quiet|b", "0"), lockers, "no transaction locked or changed the events after inserting them");
      }
    }
  }

  /** Every column goes in as given, metadata present or absent within one batch. */
  @Test
  void everyColumnIsWrittenAsGiven() throws Exception {
    var withMeta = new TaggedRow(new JournalAkkaSerializationRow(0, false, "Cols|a", 1, "writer-1", 1234L, "adapted",
        new byte[] {0, 1, (byte) 255}, 7, "event-manifest", Option.apply(new byte[] {42}), Option.apply(9),
        Option.apply("meta-manifest")), Set.of("cols"));
    var withoutMeta = new TaggedRow(new JournalAkkaSerializationRow(0, true, "Cols|a", 2, "writer-2", 5678L, "",
        new byte[0], 8, "", Option.empty(), Option.empty(), Option.empty()), Set.of());
    try (var connection = connect()) {
      insert().writeAtomically(connection, List.of(withoutMeta, withMeta));
      try (var rows = connection.createStatement().executeQuery(
          "SELECT deleted, sequence_number, writer, write_timestamp, adapter_manifest, event_ser_id, event_ser_manifest,"
              + " event_payload, meta_ser_id, meta_ser_manifest, meta_payload FROM event_journal"
              + " WHERE persistence_id = 'Cols|a' ORDER BY ordering")) {
        var read = new ArrayList<String>();
        while (rows.next()) {
          read.add(rows.getBoolean(1) + " " + rows.getLong(2) + " " + rows.getString(3) + " " + rows.getLong(4) + " "
              + rows.getString(5) + " " + rows.getInt(6) + " " + rows.getString(7) + " "
              + java.util.Arrays.toString(rows.getBytes(8)) + " " + rows.getObject(9) + " " + rows.getString(10) + " "
              + java.util.Arrays.toString(rows.getBytes(11)));
        }
        assertEquals(List.of(
            "false 1 writer-1 1234 adapted 7 event-manifest [0, 1, -1] 9 meta-manifest [42]",
            "true 2 writer-2 5678  8  [] null null null"), read);
      }
      assertEquals(1, tagCount(connection, "cols"));
    }
  }

  /** {@code real}, telling {@code onCall} the name and arguments of every method called on it first. */
  private static Connection watched(Connection real, java.util.function.BiConsumer<String, Object[]> onCall) {
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          onCall.accept(method.getName(), args);
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static JournalRowsInsert insert() {
    return new JournalRowsInsert(journalConfig().eventJournalTableConfiguration(), journalConfig().eventTagTableConfiguration());
  }

  private static Map<String, Long> eventCounts(Connection connection, String idPattern) throws SQLException {
    try (var statement = connection.prepareStatement(
        "SELECT persistence_id, count(*) FROM event_journal WHERE persistence_id LIKE ? GROUP BY persistence_id")) {
      statement.setString(1, idPattern);
      var counts = new HashMap<String, Long>();
      try (var rows = statement.executeQuery()) {
        while (rows.next()) counts.put(rows.getString(1), rows.getLong(2));
      }
      return counts;
    }
  }

  private static long tagCount(Connection connection, String tag) throws SQLException {
    try (var statement = connection.prepareStatement("SELECT count(*) FROM event_tag WHERE tag = ?")) {
      statement.setString(1, tag);
      try (var rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static CompletionStage<Done> append(String id, List<String> texts) {
    ActorRef<Log.Command> log = testKit.spawn(Log.create(id));
    return akka.actor.typed.javadsl.AskPattern.<Log.Command, Done>ask(log, replyTo -> new Log.Append(texts, replyTo), Duration.ofSeconds(15), testKit.scheduler())
        .thenApply(done -> {
          testKit.stop(log);
          return done;
        });
  }

  private static List<String> textsAfterRestart(String id) throws Exception {
    ActorRef<Log.Command> log = testKit.spawn(Log.create(id));
    return akka.actor.typed.javadsl.AskPattern.<Log.Command, List<String>>ask(log, Log.Read::new, Duration.ofSeconds(15), testKit.scheduler())
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static TaggedRow row(String persistenceId, long seq, Set<String> tags) {
    return new TaggedRow(new JournalAkkaSerializationRow(0, false, persistenceId, seq, "test", 1L, "",
        ("event " + seq).getBytes(StandardCharsets.UTF_8), 1, "", Option.empty(), Option.empty(), Option.empty()), tags);
  }

  private static JournalConfig journalConfig() {
    return new JournalConfig(ServiceNode.withServiceDefaults(ConfigFactory.empty()).getConfig("jdbc-journal"));
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(database.connectionUrl(), database.user(), database.password());
  }

  /** An entity that appends texts, all of one command in one persist call, and tags them by position. */
  static final class Log extends EventSourcedBehavior<Log.Command, Log.Appended, List<String>> {
    sealed interface Command extends JsonSerializable {}

    record Append(List<String> texts, ActorRef<Done> replyTo) implements Command {}

    record Read(ActorRef<List<String>> replyTo) implements Command {}

    record Appended(String text) implements JsonSerializable {}

    static Behavior<Command> create(String id) {
      return new Log(id);
    }

    /** Every event is tagged {@code all}; the second of each append (sequence numbers 2, 5, 8...) also {@code b}. */
    static Set<String> tagsFor(long sequenceNr) {
      return (sequenceNr - 1) % 3 == 1 ? Set.of("all", "b") : Set.of("all");
    }

    private Log(String id) {
      super(PersistenceId.of("Log", id));
    }

    @Override
    public List<String> emptyState() {
      return List.of();
    }

    @Override
    public CommandHandler<Command, Appended, List<String>> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Append.class, (state, append) -> Effect()
              .persist(append.texts().stream().map(Appended::new).toList())
              .thenReply(append.replyTo(), after -> Done.getInstance()))
          .onCommand(Read.class, (state, read) -> Effect().reply(read.replyTo(), state))
          .build();
    }

    @Override
    public EventHandler<List<String>, Appended> eventHandler() {
      return newEventHandlerBuilder().forAnyState()
          .onEvent(Appended.class, (state, appended) -> {
            var next = new ArrayList<>(state);
            next.add(appended.text());
            return List.copyOf(next);
          })
          .build();
    }

    @Override
    public Set<String> tagsFor(Appended event) {
      return event.text().endsWith("b") ? Set.of("all", "b") : Set.of("all");
    }
  }
}
