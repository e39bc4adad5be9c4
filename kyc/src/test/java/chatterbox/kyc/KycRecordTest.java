package chatterbox.kyc;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import akka.persistence.typed.PersistenceId;
import chatterbox.platform.runtime.ServiceNode;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KycRecordTest {

  // The in-memory journal and snapshot store of the test kit, with every command, event and state
  // serialized (through the platform's Jackson binding) and compared after the round trip.
  private static final ActorTestKit testKit = ActorTestKit.create("KycRecordTest",
      EventSourcedBehaviorTestKit.config()
          .withFallback(ConfigFactory.parseString("akka.actor.provider = local"))
          .withFallback(ServiceNode.withServiceDefaults(ConfigFactory.empty())));

  private static final SealedIdentity JUMA = new SealedIdentity(1, "bm9uY2UtanVtYQ==", "Y2lwaGVydGV4dC1qdW1h", "aGFzaC1qdW1h");
  // The same identity sealed again: fresh nonce and ciphertext, same keyed hash.
  private static final SealedIdentity JUMA_RESEALED = new SealedIdentity(1, "bm9uY2UtMg==", "Y2lwaGVydGV4dC0y", "aGFzaC1qdW1h");
  private static final SealedIdentity OTHER = new SealedIdentity(1, "bm9uY2UtMw==", "Y2lwaGVydGV4dC0z", "aGFzaC1vdGhlcg==");

  private String persistenceId;
  private EventSourcedBehaviorTestKit<KycRecord.Command, KycRecord.Event, KycRecord.State> record;

  @BeforeEach
  void freshRecord() {
    var settings = EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true);
    var id = PersistenceId.of(KycRecord.ENTITY_KEY.name(), UUID.randomUUID().toString());
    persistenceId = id.id();
    record = EventSourcedBehaviorTestKit.create(testKit.system(), KycRecord.create(id), settings);
  }

  private CommandResultWithReply<KycRecord.Command, KycRecord.Event, KycRecord.State, KycRecord.RegisterReply> register(
      SealedIdentity identity) {
    return record.runCommand(replyTo -> new KycRecord.Register(identity, replyTo));
  }

  private CommandResultWithReply<KycRecord.Command, KycRecord.Event, KycRecord.State, KycRecord.GetReply> get() {
    return record.runCommand(KycRecord.Get::new);
  }

  private CommandResultWithReply<KycRecord.Command, KycRecord.Event, KycRecord.State, Done> erase() {
    return record.runCommand(KycRecord.Erase::new);
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void registersTheSealedIdentity() {
    var result = register(JUMA);

    assertInstanceOf(KycRecord.RegisterReply.Created.class, result.reply());
    var event = result.eventOfType(KycRecord.IdentityRegistered.class);
    assertEquals(JUMA, event.identity());
    var state = result.stateOfType(KycRecord.Registered.class);
    assertEquals(JUMA, state.identity());

    var get = get();
    var found = assertInstanceOf(KycRecord.GetReply.Found.class, get.reply());
    assertEquals(JUMA, found.identity());
    assertTrue(get.hasNoEvents());
  }

  @Test
  void unknownSubjectIsNotFound() {
    var get = get();
    assertInstanceOf(KycRecord.GetReply.NotFound.class, get.reply());
    assertTrue(get.hasNoEvents());
    assertInstanceOf(KycRecord.Empty.class, get.state());
  }

  @Test
  void registeringTheSameDataAgainIsAcknowledgedWithoutNewEvents() {
    register(JUMA);

    var again = register(JUMA_RESEALED);

    assertInstanceOf(KycRecord.RegisterReply.AlreadyRegistered.class, again.reply());
    assertTrue(again.hasNoEvents());
    assertEquals(JUMA, again.stateOfType(KycRecord.Registered.class).identity(), "the first registration stays");
  }

  @Test
  void registeringOtherDataIsAConflictAndKeepsTheFirst() {
    register(JUMA);

    var conflict = register(OTHER);

    assertInstanceOf(KycRecord.RegisterReply.Conflict.class, conflict.reply());
    assertTrue(conflict.hasNoEvents());
    assertEquals(JUMA, conflict.stateOfType(KycRecord.Registered.class).identity());
  }

  @Test
  void erasureEndsTheLifecycle() {
    register(JUMA);

    var erase = erase();

    assertEquals(Done.getInstance(), erase.reply());
    erase.eventOfType(KycRecord.IdentityErased.class);
    erase.stateOfType(KycRecord.Erased.class);

    var get = get();
    assertInstanceOf(KycRecord.GetReply.Gone.class, get.reply());

    var eraseAgain = erase();
    assertEquals(Done.getInstance(), eraseAgain.reply());
    assertTrue(eraseAgain.hasNoEvents(), "erasing twice records one erasure");
  }

  @Test
  void registrationAfterErasureIsRefused() {
    register(JUMA);
    erase();

    for (var identity : new SealedIdentity[] {JUMA, OTHER}) {
      var refused = register(identity);
      assertInstanceOf(KycRecord.RegisterReply.Gone.class, refused.reply());
      assertTrue(refused.hasNoEvents());
      refused.stateOfType(KycRecord.Erased.class);
    }
  }

  @Test
  void erasingAnUnknownSubjectLeavesATombstone() {
    var erase = erase();
    erase.eventOfType(KycRecord.IdentityErased.class);

    var refused = register(JUMA);
    assertInstanceOf(KycRecord.RegisterReply.Gone.class, refused.reply());
  }

  @Test
  void repliesSurviveSerialization() {
    // Sharded entities may answer from another node: every reply must round-trip as JSON.
    var serialization = testKit.serializationTestKit();
    for (Object reply : List.of(new KycRecord.RegisterReply.Created(), new KycRecord.RegisterReply.AlreadyRegistered(),
        new KycRecord.RegisterReply.Conflict(), new KycRecord.RegisterReply.Gone(),
        new KycRecord.GetReply.Found(JUMA, Instant.parse("2026-01-02T03:04:05.123456Z")),
        new KycRecord.GetReply.NotFound(), new KycRecord.GetReply.Gone(Instant.EPOCH), Done.getInstance())) {
      serialization.verifySerialization(reply, true);
    }
  }

  @Test
  void recoversRegisteredState() {
    register(JUMA);

    var restarted = record.restart();

    assertEquals(JUMA, assertInstanceOf(KycRecord.Registered.class, restarted.state()).identity());
    var again = register(JUMA_RESEALED);
    assertInstanceOf(KycRecord.RegisterReply.AlreadyRegistered.class, again.reply());
  }

  @Test
  void recoversErasedStateFromItsSnapshot() {
    register(JUMA);
    erase();

    // The tombstone is snapshotted, so an erased record recovers without replaying its ciphertext event.
    var snapshots = record.snapshotTestKit().orElseThrow();
    snapshots.expectNextPersisted(persistenceId, record.getState());

    var restarted = record.restart();

    assertInstanceOf(KycRecord.Erased.class, restarted.state());
    var refused = register(JUMA);
    assertInstanceOf(KycRecord.RegisterReply.Gone.class, refused.reply());
  }
}
