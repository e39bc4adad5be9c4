package chatterbox.gateway;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.stream.BufferOverflowException;
import akka.stream.javadsl.AsPublisher;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.SourceQueueWithComplete;
import akka.stream.typed.javadsl.ActorSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The connection stage is one blueprint for all connections: each materialization is a connection of its own. */
class ConnectionStageTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  /** What the test client's sink reports when its stream completes. */
  private static final WebSocketFrames.Outbound COMPLETED = new WebSocketFrames.Close(0, "completed");

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** Spawns nothing: hands out the next probe as the connection actor and records where it must send. */
  private static final class FakeConnections {
    final List<TestProbe<Connection.Command>> actors = List.of(testKit.createTestProbe(), testKit.createTestProbe());
    final List<ActorRef<WebSocketFrames.Outbound>> outs = new CopyOnWriteArrayList<>();

    ActorRef<Connection.Command> spawn(ActorRef<WebSocketFrames.Outbound> out) {
      outs.add(out);
      return actors.get(outs.size() - 1).ref();
    }
  }

  @Test
  void oneBlueprintServesManyConnectionsEachWithItsOwnActor() {
    var fake = new FakeConnections();
    var opened = new AtomicInteger();
    var closed = new AtomicInteger();
    var blueprint = Flow.fromGraph(new ConnectionStage(fake::spawn, 16, opened::incrementAndGet, closed::incrementAndGet));
    TestProbe<WebSocketFrames.Outbound> client1 = testKit.createTestProbe();
    TestProbe<WebSocketFrames.Outbound> client2 = testKit.createTestProbe();
    var in1 = connect(blueprint, client1);
    awaitEquals(1, () -> fake.outs.size()); // in order, so the first actor is the first connection's
    var in2 = connect(blueprint, client2);
    awaitEquals(2, () -> fake.outs.size());
    assertNotEquals(fake.outs.get(0), fake.outs.get(1));

    fake.outs.get(1).tell(new WebSocketFrames.Text("for the second"));
    client2.expectMessage(new WebSocketFrames.Text("for the second"));
    client1.expectNoMessage(Duration.ofMillis(100));

    in1.offer(new WebSocketFrames.Text("from the first"));
    fake.actors.get(0).expectMessage(new Connection.FromClient(new WebSocketFrames.Text("from the first")));
    fake.actors.get(1).expectNoMessage(Duration.ofMillis(100));

    in1.complete();
    fake.actors.get(0).expectMessage(Connection.ClientGone.INSTANCE);
    client1.expectMessage(COMPLETED);
    awaitEquals(1, closed::get);
    assertEquals(2, opened.get());
    in2.complete();
    fake.actors.get(1).expectMessage(Connection.ClientGone.INSTANCE);
  }

  @Test
  void aClientThatReadsNothingFailsItsConnectionAtTheLimit() throws Exception {
    var fake = new FakeConnections();
    var ended = Source.<WebSocketFrames.Inbound>maybe()
        .via(Flow.fromGraph(new ConnectionStage(fake::spawn, 2, () -> {}, () -> {})))
        .watchTermination(Keep.right())
        .to(Sink.asPublisher(AsPublisher.WITHOUT_FANOUT)) // never subscribed: no demand
        .run(testKit.system());
    awaitEquals(1, () -> fake.outs.size());
    for (int i = 0; i < 3; i++) fake.outs.get(0).tell(new WebSocketFrames.Text("unread " + i));
    var failure = assertThrows(ExecutionException.class, () -> ended.toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertInstanceOf(BufferOverflowException.class, failure.getCause());
    fake.actors.get(0).expectMessage(Connection.ClientGone.INSTANCE);
  }

  private static SourceQueueWithComplete<WebSocketFrames.Inbound> connect(
      Flow<WebSocketFrames.Inbound, WebSocketFrames.Outbound, ?> blueprint, TestProbe<WebSocketFrames.Outbound> client) {
    return Source.<WebSocketFrames.Inbound>queue(16, OverflowStrategy.fail())
        .via(blueprint)
        .toMat(ActorSink.actorRef(client.ref(), COMPLETED, failure -> new WebSocketFrames.Close(-1, "failed")), Keep.left())
        .run(testKit.system());
  }

  private static void awaitEquals(int expected, java.util.function.IntSupplier actual) {
    var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (actual.getAsInt() != expected && System.nanoTime() < deadline) {
      CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)).join();
    }
    assertEquals(expected, actual.getAsInt());
  }
}
