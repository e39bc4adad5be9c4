package chatterbox.room;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import chatterbox.room.Room.MessagePosted;
import chatterbox.room.Room.TransferNoticed;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A room's retry windows: found by key, bounded, and stored in snapshots as the lists they replaced. */
class RecentEntriesTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Instant T0 = Instant.parse("2026-11-27T00:00:00Z");

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static TransferNoticed notice(long seq) {
    return new TransferNoticed("r", seq, "t" + seq, "alice", "bob", T0);
  }

  @Test
  void theOldestEntriesAreForgottenBeyondTheCapacity() {
    RecentEntries<TransferNoticed> window = RecentEntries.none();
    for (long seq = 1; seq <= 5; seq++) window = window.add(notice(seq), 3);

    assertEquals(List.of(notice(3), notice(4), notice(5)), window.oldestFirst());
    assertEquals(3, window.size());
    assertEquals(Optional.empty(), window.find("t2"));
    assertEquals(Optional.of(notice(3)), window.find("t3"));
    assertEquals(Optional.of(notice(5)), window.find("t5"));
  }

  @Test
  void aKeyTakenAgainByANewerEntryOutlivesTheOlderOne() {
    var first = new MessagePosted("r", 1, "alice", "hi", "n1", T0);
    var again = new MessagePosted("r", 3, "alice", "hi again", "n1", T0);
    var window = RecentEntries.<MessagePosted>none()
        .add(first, 2).add(new MessagePosted("r", 2, "bob", "yo", "n2", T0), 2).add(again, 2);

    assertEquals(Optional.of(again), window.find(again.windowKey()));
  }

  /** Snapshots written while the windows were lists read back, and their entries are found again. */
  @Test
  void aSnapshotOfTheListsBeforeReadsIntoWindows() throws Exception {
    var serialization = SerializationExtension.get(testKit.system());
    var serializer = serialization.serializerFor(Room.Open.class);
    var manifest = Serializers.manifestFor(serializer, Room.Open.EMPTY);
    var before = """
        {"lastSeq":7,"members":["alice","bob"],
         "recentPosts":[{"room":"r","seq":5,"author":"alice","text":"hi","nonce":"n1","at":"2026-11-27T00:00:00Z"}],
         "recentTransfers":[{"room":"r","seq":6,"transferId":"t6","from":"alice","to":"bob","at":"2026-11-27T00:00:00Z"},
                            {"room":"r","seq":7,"transferId":"t7","from":"bob","to":"alice","at":"2026-11-27T00:00:00Z"}]}""";

    var open = (Room.Open) serialization.deserialize(before.getBytes(StandardCharsets.UTF_8), serializer.identifier(), manifest).get();

    assertEquals(Set.of("alice", "bob"), open.members());
    assertEquals(Optional.of(new MessagePosted("r", 5, "alice", "hi", "n1", T0)), open.postBy("alice", "n1"));
    assertEquals(Optional.of(notice(6)), open.notice("t6"));
    assertEquals(List.of("t6", "t7"), open.recentTransfers().oldestFirst().stream().map(TransferNoticed::transferId).toList());
    var json = new ObjectMapper();
    var written = json.readTree(serialization.serialize(open).get());
    for (var window : List.of("recentPosts", "recentTransfers")) {
      assertEquals(json.readTree(before).get(window), written.get(window), window + " written as before");
    }
  }
}
