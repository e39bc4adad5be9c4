package chatterbox.room;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.pubsub.Topic;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import chatterbox.room.Room.Command;
import chatterbox.room.Room.Event;
import chatterbox.room.Room.Joined;
import chatterbox.room.Room.LeaveReply;
import chatterbox.room.Room.MemberJoined;
import chatterbox.room.Room.MemberLeft;
import chatterbox.room.Room.MessagePosted;
import chatterbox.room.Room.PostReply;
import chatterbox.room.Room.RoomInfo;
import chatterbox.room.Room.State;
import chatterbox.room.Room.TransferNoticed;
import chatterbox.wallet.MoneyTestConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The room entity alone: every command, event and state also goes through JSON and back. */
class RoomTest {

  private static final ActorTestKit testKit = ActorTestKit.create(MoneyTestConfig.config());
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final AtomicInteger roomNumber = new AtomicInteger();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A fresh room whose published entries {@link #published} receives. */
  private final String roomId = "room-" + roomNumber.incrementAndGet();
  private final TestProbe<Topic.Command<Event>> published = testKit.createTestProbe();
  /** Snapshots more often than the default, so that a few dozen posts reach one. */
  private static final Room.Settings SETTINGS = new Room.Settings(Room.Settings.DEFAULT_RECENT_WINDOW, 50);
  private EventSourcedBehaviorTestKit<Command, Event, State> room = room(SETTINGS.recentWindow());

  private EventSourcedBehaviorTestKit<Command, Event, State> room(int recentWindow) {
    return EventSourcedBehaviorTestKit.create(testKit.system(),
        Room.create(roomId, published.ref(), new Room.Settings(recentWindow, SETTINGS.snapshotEvery()),
            Clock.fixed(T0, ZoneOffset.UTC)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, Joined> join(String username) {
    return room.runCommand(replyTo -> new Room.Join(username, replyTo));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, LeaveReply> leave(String username) {
    return room.runCommand(replyTo -> new Room.Leave(username, replyTo));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, PostReply> post(
      String author, String text, String nonce) {
    return room.runCommand(replyTo -> new Room.Post(author, text, nonce, replyTo));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, PostReply> notice(String transferId) {
    return room.runCommand(replyTo -> new Room.NoticeTransfer(transferId, "alice", "bob", replyTo));
  }

  private RoomInfo info() {
    return room.<RoomInfo>runCommand(Room.GetInfo::new).reply();
  }

  private void expectPublished(Event entry) {
    published.expectMessage(Topic.publish(entry));
  }

  @Test
  void anUnknownRoomHasNoEntriesAndNoMembers() {
    var info = info();
    assertEquals(new RoomInfo(roomId, 0, List.of()), info);
    assertFalse(info.exists());
  }

  @Test
  void everyKindOfEntryTakesTheNextSeqWhichIsItsJournalSequenceNumber() {
    var first = join("alice");
    assertEquals(new MemberJoined(roomId, 1, "alice", T0), first.event());
    assertEquals(new Joined(new RoomInfo(roomId, 1, List.of("alice")), false), first.reply());
    assertEquals(new MemberJoined(roomId, 2, "bob", T0), join("bob").event());
    var posted = post("alice", "  hello  ", "c-1");
    assertEquals(new MessagePosted(roomId, 3, "alice", "hello", "c-1", T0), posted.event(), "stored trimmed");
    assertEquals(new Room.Posted((MessagePosted) posted.event(), false), posted.reply());
    var noticed = notice("t-1");
    assertEquals(new TransferNoticed(roomId, 4, "t-1", "alice", "bob", T0), noticed.event());
    assertEquals(new Room.Noticed((TransferNoticed) noticed.event(), false), noticed.reply());
    var left = leave("bob");
    assertEquals(new MemberLeft(roomId, 5, "bob", T0), left.event());
    assertEquals(new Room.Left(new RoomInfo(roomId, 5, List.of("alice"))), left.reply());
    assertEquals(new RoomInfo(roomId, 5, List.of("alice")), info());

    var journal = room.persistenceTestKit().persistedInStorage(Room.persistenceId(roomId).id());
    assertEquals(5, journal.size());
    for (int i = 0; i < journal.size(); i++) {
      assertEquals(i + 1, ((Event) journal.get(i)).seq(), "seq is the persistence sequence number");
      expectPublished((Event) journal.get(i));
    }
  }

  @Test
  void membersAreListedSorted() {
    join("zawadi");
    join("amani");
    join("musa");
    assertEquals(List.of("amani", "musa", "zawadi"), info().members());
    leave("musa");
    join("baraka");
    room.restart(); // the state comes back from the journal (a set in JSON) and is sorted again
    assertEquals(List.of("amani", "baraka", "zawadi"), info().members());
  }

  @Test
  void joiningAgainWritesNothing() {
    join("alice");
    published.receiveMessage();
    var again = join("alice");
    assertTrue(again.hasNoEvents());
    assertEquals(new Joined(new RoomInfo(roomId, 1, List.of("alice")), true), again.reply());
    published.expectNoMessage();
  }

  @Test
  void aRepeatedNonceIsAnsweredWithTheOriginalEntryAndWritesNothing() {
    join("alice");
    join("bob");
    var original = (MessagePosted) post("alice", "hello", "c-1").event();

    var retry = post("alice", "hello, edited on the way", "c-1");
    assertTrue(retry.hasNoEvents());
    assertEquals(new Room.Posted(original, true), retry.reply());

    var othersNonce = post("bob", "hi", "c-1");
    assertEquals(4, othersNonce.event().seq(), "nonces are per author");
    var withoutNonce = List.of(post("alice", "same", null), post("alice", "same", ""), post("alice", "same", null));
    withoutNonce.forEach(p -> assertFalse(((Room.Posted) p.reply()).duplicate(), "no nonce, no retry check"));
    assertEquals(7, info().lastSeq());
    assertNull(((MessagePosted) withoutNonce.get(1).event()).nonce(), "an empty nonce is no nonce");
  }

  @Test
  void aRetryIsRecognisedOnlyWithinTheWindow() {
    room = room(2);
    join("alice");
    var first = (MessagePosted) post("alice", "one", "n1").event();
    post("alice", "two", "n2");
    assertEquals(new Room.Posted(first, true), post("alice", "one", "n1").reply());
    post("alice", "three", "n3");
    var forgotten = post("alice", "one", "n1");
    assertEquals(5, forgotten.event().seq(), "n1 left the window of two when n3 came");
  }

  @Test
  void aTransferIsNoticedOnce() {
    join("alice");
    var first = (TransferNoticed) notice("t-1").event();
    var again = notice("t-1");
    assertTrue(again.hasNoEvents());
    assertEquals(new Room.Noticed(first, true), again.reply());
    assertEquals(3, notice("t-2").event().seq());
  }

  @Test
  void nonMembersCannotPostOrLeave() {
    assertInstanceOf(Room.NotMember.class, post("alice", "hello", "c-1").reply(), "nobody is in an unopened room");
    assertInstanceOf(Room.NotMember.class, leave("alice").reply());
    assertInstanceOf(Room.NotMember.class, notice("t-1").reply(), "an unopened room takes no notices");
    join("alice");
    var stranger = post("mallory", "hello", "m-1");
    assertInstanceOf(Room.NotMember.class, stranger.reply());
    assertTrue(stranger.hasNoEvents());
    assertInstanceOf(Room.NotMember.class, leave("mallory").reply());
    leave("alice");
    assertInstanceOf(Room.NotMember.class, post("alice", "still here?", "c-2").reply(), "left means left");
    assertEquals(2, info().lastSeq());
  }

  @Test
  void invalidTextIsRefusedAndNotWritten() {
    join("alice");
    for (var text : new String[] {null, "", "   \n\t ", "x".repeat(Room.MAX_TEXT_LENGTH + 1)}) {
      var refused = post("alice", text, "c-1");
      assertInstanceOf(Room.Invalid.class, refused.reply(), "text: " + text);
      assertTrue(refused.hasNoEvents());
    }
    assertInstanceOf(Room.Invalid.class, post("alice", "hi", "n".repeat(Room.MAX_NONCE_LENGTH + 1)).reply());
    assertEquals(1, info().lastSeq());

    var longest = "\uD83D\uDE00".repeat(Room.MAX_TEXT_LENGTH); // 2000 emoji: 4000 UTF-16 units
    assertEquals(longest, ((MessagePosted) post("alice", " " + longest + " ", "c-2").event()).text());
  }

  @Test
  void snapshotsAndRestartKeepMembersSeqAndTheRetryWindow() {
    join("alice");
    join("bob");
    var early = (MessagePosted) post("alice", "message 0", "n-0").event();
    IntStream.range(1, 150).forEach(i -> post(i % 2 == 0 ? "alice" : "bob", "message " + i, "n-" + i));
    var notice = (TransferNoticed) notice("t-1").event();
    leave("bob");
    var before = room.getState();
    assertEquals(154, before.lastSeq());

    var snapshots = room.snapshotTestKit().orElseThrow().persistedInStorage(Room.persistenceId(roomId).id());
    assertEquals(150, ((State) snapshots.get(snapshots.size() - 1).second()).lastSeq(), "snapshots every 50 events");
    var restarted = room.restart();
    assertEquals(before, restarted.state());

    assertEquals(new Room.Posted(early, true), post("alice", "message 0", "n-0").reply());
    assertEquals(new Room.Noticed(notice, true), notice("t-1").reply());
    assertInstanceOf(Room.NotMember.class, post("bob", "hello?", "n-x").reply());
    assertEquals(155, post("alice", "after the restart", "n-new").event().seq());
  }
  @Test
  void aRoomBackRightAfterAWriteAnnouncesItsLatestEntryAgain() {
    var hello = new MessagePosted(roomId, 2, "alice", "hello", null, T0.minusSeconds(1));
    recoveredAt(T0, new MemberJoined(roomId, 1, "alice", T0.minusSeconds(1)), hello);
    published.expectMessage(Duration.ofSeconds(5), Topic.publish(hello));
  }

  @Test
  void aRoomBackFromASnapshotAloneAnnouncesTheLatestEntryItsWindowsKeep() {
    join("alice");
    IntStream.rangeClosed(2, 100).forEach(i -> post("alice", "message " + i, "n-" + i));
    var snapshots = room.snapshotTestKit().orElseThrow().persistedInStorage(Room.persistenceId(roomId).id());
    assertEquals(100, ((State) snapshots.get(snapshots.size() - 1).second()).lastSeq(), "nothing left to replay");
    published.receiveSeveralMessages(100);
    room.restart();
    published.expectMessage(Duration.ofSeconds(5), Topic.publish(
        new MessagePosted(roomId, 100, "alice", "message 100", "n-100", T0)));
  }

  @Test
  void aRoomBackLongAfterItsLatestEntryStaysQuiet() {
    var recovered = recoveredAt(T0.plusSeconds(3600),
        new MemberJoined(roomId, 1, "alice", T0), new MessagePosted(roomId, 2, "alice", "hello", null, T0));
    assertEquals(2, recovered.getState().lastSeq(), "the same room, recovered");
    published.expectNoMessage(Duration.ofSeconds(3));
  }

  /**
   * A room that comes back from these entries on a node whose clock reads {@code now}, as when its
   * shard moves or its node dies. The kit's journal is set to these entries and a fresh instance
   * recovers from them: no instance that wrote them (and no timer of one) is alive to publish
   * anything, however slow the machine.
   */
  private EventSourcedBehaviorTestKit<Command, Event, State> recoveredAt(Instant now, Event... entries) {
    var recovered = EventSourcedBehaviorTestKit.<Command, Event, State>create(testKit.system(),
        Room.create(roomId, published.ref(), SETTINGS, Clock.fixed(now, ZoneOffset.UTC)));
    recovered.initialize((Object[]) entries); // a fresh instance recovers from them
    return recovered;
  }

}
