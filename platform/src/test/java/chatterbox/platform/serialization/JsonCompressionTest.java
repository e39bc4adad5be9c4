package chatterbox.platform.serialization;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorSystem;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import akka.serialization.jackson.JacksonSerializer$;
import chatterbox.platform.runtime.ServiceNode;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Large JSON payloads (snapshots over 32 KiB) are compressed with LZ4, and payloads written with
 * gzip, Akka's default and this project's setting before, still read back.
 */
class JsonCompressionTest {

  /** Something the size of a busy wallet's window of finished transfer ids. */
  record Window(List<String> ids) implements JsonSerializable {}

  private static final Window LARGE = new Window(IntStream.range(0, 2_000).mapToObj(i -> UUID.randomUUID().toString()).toList());
  private static final Window SMALL = new Window(List.of("one", "two"));

  private static ActorTestKit platform;
  private static ActorTestKit gzipBefore;

  @BeforeAll
  static void start() {
    platform = ActorTestKit.create("platform", ServiceNode.withServiceDefaults(ConfigFactory.empty()));
    gzipBefore = ActorTestKit.create("gzip", ConfigFactory
        .parseString("akka.serialization.jackson.jackson-json.compression.algorithm = gzip")
        .withFallback(ServiceNode.withServiceDefaults(ConfigFactory.empty())));
  }

  @AfterAll
  static void stop() {
    platform.shutdownTestKit();
    gzipBefore.shutdownTestKit();
  }

  @Test
  void largePayloadsAreWrittenWithLz4AndSmallOnesPlain() {
    var large = toBinary(platform.system(), LARGE);
    assertTrue(JacksonSerializer$.MODULE$.isLZ4(large), "a payload over 32 KiB is LZ4-compressed");
    assertFalse(JacksonSerializer$.MODULE$.isGZipped(large));
    assertEquals(LARGE, fromBinary(platform.system(), large));

    var small = toBinary(platform.system(), SMALL);
    assertFalse(JacksonSerializer$.MODULE$.isLZ4(small) || JacksonSerializer$.MODULE$.isGZipped(small));
    assertEquals(SMALL, fromBinary(platform.system(), small));
  }

  @Test
  void payloadsWrittenWithGzipBeforeStillRead() {
    var written = toBinary(gzipBefore.system(), LARGE);
    assertTrue(JacksonSerializer$.MODULE$.isGZipped(written));
    assertEquals(LARGE, fromBinary(platform.system(), written));
  }

  private static Serializer serializer(ActorSystem<?> system) {
    return SerializationExtension.get(system).findSerializerFor(LARGE);
  }

  private static byte[] toBinary(ActorSystem<?> system, Window window) {
    return serializer(system).toBinary(window);
  }

  private static Object fromBinary(ActorSystem<?> system, byte[] bytes) {
    var serializer = serializer(system);
    return SerializationExtension.get(system)
        .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, LARGE)).get();
  }
}
