package chatterbox.ledger;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.Sequence;
import akka.projection.ProjectionBehavior;
import akka.projection.ProjectionId;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.eventsourced.javadsl.EventSourcedProvider;
import akka.projection.jdbc.javadsl.JdbcHandler;
import akka.projection.jdbc.javadsl.JdbcProjection;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Runs one read model: the events of one tag, in journal order, applied in batches, each batch
 * in one transaction with the projection's offset (exactly once, also while a thawed node's stale
 * instance still runs: {@link ProjectionFence}). One instance in the cluster, kept alive and moved
 * on failure by a sharded daemon process.
 */
public final class ReadModelProjection {

  /** Applies a batch of events, in journal order, to the read model's tables, on the batch's connection. */
  @FunctionalInterface
  public interface EventWriter<E> {
    void write(Connection connection, List<E> events) throws SQLException;
  }

  private ReadModelProjection() {}

  private static long offsetOf(EventEnvelope<?> envelope) {
    return ((Sequence) envelope.offset()).value();
  }

  public static <E> void run(ActorSystem<?> system, DataSource dataSource, String name, String tag, EventWriter<E> writer) {
    var source = EventSourcedProvider.<E>eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    var projectionId = ProjectionId.of(name, tag);
    var projection = JdbcProjection.groupedWithin(
            projectionId,
            source,
            () -> new PooledJdbcSession(dataSource),
            () -> new JdbcHandler<List<EventEnvelope<E>>, PooledJdbcSession>() {
              @Override
              public void process(PooledJdbcSession session, List<EventEnvelope<E>> envelopes) throws Exception {
                session.withConnection(connection -> {
                  ProjectionFence.claim(connection, projectionId, offsetOf(envelopes.get(0)),
                      offsetOf(envelopes.get(envelopes.size() - 1)));
                  writer.write(connection, envelopes.stream().map(EventEnvelope::event).toList());
                  return null;
                });
              }
            },
            system)
        .withGroup(500, Duration.ofMillis(50))
        // A failed batch (the database away, a batch another instance applied) restarts the
        // projection from its stored offset within seconds, not at the daemon's next keep-alive.
        .withRestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(10), 0.2);
    ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, name, 1,
        index -> ProjectionBehavior.create(projection), ProjectionBehavior.stopMessage());
  }
}
