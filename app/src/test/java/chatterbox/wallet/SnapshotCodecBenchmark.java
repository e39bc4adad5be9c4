package chatterbox.wallet;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import chatterbox.platform.runtime.ServiceNode;
import com.typesafe.config.ConfigFactory;

import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Prints what one wallet snapshot with a full window of finished transfer ids costs through Akka's
 * serializer, for each compression algorithm (docs/performance.md, Change 19). A benchmark, not a
 * test: it prints figures and asserts nothing. Run after {@code mvn -pl app test-compile package}:
 *
 * <pre>java -cp app/target/app.jar:app/target/test-classes chatterbox.wallet.SnapshotCodecBenchmark</pre>
 */
public final class SnapshotCodecBenchmark {

  private static final int ROUNDS = 300;

  public static void main(String[] args) {
    var random = new ArrayList<String>(); // the chat's /send ids are random UUIDs; deposits have their scope
    var sequential = new ArrayList<String>();
    for (int i = 0; i < Wallet.Settings.DEFAULT_FINISHED_WINDOW; i++) {
      random.add(i % 2 == 0 ? "@deposit.dep-" + UUID.randomUUID() : UUID.randomUUID().toString());
      sequential.add("@deposit.cold-aee8-" + i);
    }
    for (var algorithm : new String[] {"gzip", "lz4", "off"}) {
      measure(algorithm, "random ids", random);
      measure(algorithm, "sequential deposit ids", sequential);
    }
  }

  private static void measure(String algorithm, String kind, ArrayList<String> ids) {
    var config = ConfigFactory.parseString("akka.actor.provider = local\n"
        + "akka.serialization.jackson.jackson-json.compression.algorithm = " + algorithm).withFallback(ServiceNode.withServiceDefaults(ConfigFactory.empty()));
    var system = ActorSystem.create(Behaviors.empty(), "snapshot-codec", config);
    try {
      var serialization = SerializationExtension.get(system);
      var state = new Wallet.State(123_456, Map.of(), FinishedTransfers.of(ids), FinishedTransfers.NONE);
      var serializer = serialization.findSerializerFor(state);
      var manifest = Serializers.manifestFor(serializer, state);
      byte[] bytes = serializer.toBinary(state);
      for (int i = 0; i < ROUNDS; i++) serialization.deserialize(serializer.toBinary(state), serializer.identifier(), manifest).get();
      long started = System.nanoTime();
      for (int i = 0; i < ROUNDS; i++) bytes = serializer.toBinary(state);
      long written = System.nanoTime();
      for (int i = 0; i < ROUNDS; i++) serialization.deserialize(bytes, serializer.identifier(), manifest).get();
      long read = System.nanoTime();
      System.out.printf(Locale.ROOT, "%-5s %-23s %,9d bytes  write %6.2f ms  read %6.2f ms%n", algorithm, kind,
          bytes.length, (written - started) / 1e6 / ROUNDS, (read - written) / 1e6 / ROUNDS);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
  }

  private SnapshotCodecBenchmark() {}
}
