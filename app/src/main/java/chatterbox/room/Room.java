package chatterbox.room;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.pubsub.Topic;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.japi.function.Function;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import chatterbox.platform.runtime.OnStop;
import chatterbox.platform.serialization.JsonSerializable;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.typesafe.config.Config;

import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A chat room (entity id: the room id), sharded across the cluster. Its journal is its timeline:
 * every event is one entry the members see (a message, a join, a leave, a transfer notice), and the
 * entry's {@code seq} is the event's persistence sequence number. So the history API is a plain
 * range read of the journal, and a client that sees a gap in {@code seq} knows what to fetch.
 * A room is created by its first {@link Join}; until then it has no entries and no members.
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>{@code seq} runs 1, 2, 3, ... without gap or repeat across all kinds of entries: one
 *       instance per room writes them one at a time (Cluster Sharding), and the journal's key
 *       (persistence id, sequence number) refuses a second writer.</li>
 *   <li>Only members post, and membership is decided here in order with the posts: nobody posts
 *       after their own {@link MemberLeft}.</li>
 *   <li>A post repeated with the same author and nonce (a client retrying its INPUT) is written
 *       once and answered with the original entry, as long as it comes back within the last
 *       {@code recentWindow} posts that had a nonce. A transfer is noticed once per transfer id,
 *       within the last {@code recentWindow} notices.</li>
 *   <li>No text outside the rules ({@link #textProblem}) is written, whatever the caller checked.</li>
 *   <li>Each entry, once written, is published to the room's {@link Topic} for live delivery. That
 *       is at most once; the journal is the record, and {@code seq} lets readers find what they missed.</li>
 *   <li>Every command is answered.</li>
 * </ul>
 * Entries are stamped with the entity's clock, so a room's times follow its seq order as far as
 * the clocks of the nodes it lives on agree.
 */
public final class Room extends EventSourcedBehaviorWithEnforcedReplies<Room.Command, Room.Event, Room.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Room");

  public static final int MAX_TEXT_LENGTH = 2000;
  public static final int MAX_NONCE_LENGTH = 64;
  public static final int MAX_ID_LENGTH = 40;

  private static final Pattern ID = Pattern.compile("[a-z0-9-]+");

  public static void init(ActorSystem<?> system) {
    init(system, Settings.DEFAULTS, Clock.systemUTC());
  }

  public static void init(ActorSystem<?> system, Settings settings, Clock clock) {
    var topics = RoomTopics.get(system);
    // The room's topic on this node is kept while the entity runs here (RoomTopics).
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, ctx -> Behaviors.setup(setup ->
        OnStop.run(Command.class, () -> topics.stopPublishing(ctx.getEntityId()),
            create(ctx.getEntityId(), topics.startPublishing(ctx.getEntityId()), settings, clock)))));
  }

  /** @param topic where each written entry is published */
  public static Behavior<Command> create(String roomId, ActorRef<Topic.Command<Event>> topic, Settings settings,
                                         Clock clock) {
    return Behaviors.withTimers(timers -> new Room(roomId, topic, settings, clock, timers));
  }

  /**
   * @param recentWindow  how many recent nonces and transfer ids each room remembers
   * @param snapshotEvery events between two snapshots: a trade between bytes written and events
   *                      replayed on waking. A snapshot carries the recent entries (up to
   *                      {@code recentWindow} posts and as many transfer notices: 26-57 KB stored),
   *                      and each one written is an older one deleted; every 300 events instead of
   *                      100 wrote 36-47% fewer snapshot chunks in the transfers benchmark. A room
   *                      that woke with 298 events after its snapshot took 39-44 ms at p99 against
   *                      33 with 98 (docs/performance.md, Change 31); issue 6 asks for 50.
   */
  public record Settings(int recentWindow, int snapshotEvery) {
    public static final int DEFAULT_RECENT_WINDOW = 1000;
    public static final int DEFAULT_SNAPSHOT_EVERY = 300;
    public static final Settings DEFAULTS = new Settings(DEFAULT_RECENT_WINDOW, DEFAULT_SNAPSHOT_EVERY);

    public Settings {
      if (recentWindow < 1) throw new IllegalArgumentException("recentWindow must be at least 1: " + recentWindow);
      if (snapshotEvery < 1) throw new IllegalArgumentException("snapshotEvery must be at least 1: " + snapshotEvery);
    }

    /** From the app's {@code chatterbox.rooms} section. */
    public static Settings fromConfig(Config rooms) {
      return new Settings(rooms.getInt("recent-window"), rooms.getInt("snapshot-every"));
    }
  }

  /**
   * Publishes the latest entry again after a quiet spell. Pub/sub is at most once (a node whose
   * subscription the publisher has not learned of yet misses an entry); sessions fill any gap they
   * see from the history, and this makes sure they see one even when the missed entry was the last.
   */
  record AnnounceTail() implements Command {}

  private static final Object TAIL_TIMER = "announce-tail";
  // Cumulative 2, 5, 10 and 20 s after the last write: long enough to outlast the receptionist's
  // gossip after a node joins, few enough to cost nothing in a busy room (each write restarts it).
  private static final java.time.Duration[] TAIL_DELAYS = {
      java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(3), java.time.Duration.ofSeconds(5),
      java.time.Duration.ofSeconds(10)};
  private static final java.time.Duration TAIL_WINDOW = java.time.Duration.ofSeconds(20);

  /** The room's journal, whose sequence numbers are the room's {@code seq}. */
  public static PersistenceId persistenceId(String roomId) {
    return PersistenceId.of(ENTITY_TYPE_KEY.name(), roomId);
  }

  /** Why {@code roomId} cannot name a room (1 to 40 of {@code [a-z0-9-]}), or empty when it can. */
  public static Optional<String> idProblem(String roomId) {
    if (roomId == null || roomId.isEmpty()) return Optional.of("is required");
    if (roomId.length() > MAX_ID_LENGTH) return Optional.of("must be at most " + MAX_ID_LENGTH + " characters");
    if (!ID.matcher(roomId).matches()) return Optional.of("may contain only a-z, 0-9 and '-'");
    return Optional.empty();
  }

  /**
   * Why {@code text} cannot be posted, or empty when it can: after trimming (Unicode white space)
   * it must be 1 to {@value #MAX_TEXT_LENGTH} characters (code points, so emoji count as one).
   */
  public static Optional<String> textProblem(String text) {
    if (text == null) return Optional.of("text is required");
    var trimmed = text.strip();
    if (trimmed.isEmpty()) return Optional.of("message is empty");
    if (trimmed.codePointCount(0, trimmed.length()) > MAX_TEXT_LENGTH) {
      return Optional.of("message is longer than " + MAX_TEXT_LENGTH + " characters");
    }
    return Optional.empty();
  }

  static Optional<String> nonceProblem(String nonce) {
    return nonce != null && nonce.length() > MAX_NONCE_LENGTH
        ? Optional.of("nonce is longer than " + MAX_NONCE_LENGTH + " characters")
        : Optional.empty();
  }

  // ---- commands -------------------------------------------------------------------------------

  public sealed interface Command extends JsonSerializable {}

  /** Makes {@code username} a member; the first join creates the room. */
  public record Join(String username, ActorRef<Joined> replyTo) implements Command {
    public Join {
      Objects.requireNonNull(username, "username");
    }
  }

  public record Leave(String username, ActorRef<LeaveReply> replyTo) implements Command {
    public Leave {
      Objects.requireNonNull(username, "username");
    }
  }

  /** A line {@code author} typed; a null or empty {@code nonce} turns off the retry check. */
  public record Post(String author, String text, String nonce, ActorRef<PostReply> replyTo) implements Command {
    public Post {
      Objects.requireNonNull(author, "author");
    }
  }

  /** A transfer between {@code from} and {@code to} was made in this room. */
  public record NoticeTransfer(String transferId, String from, String to, ActorRef<PostReply> replyTo)
      implements Command {
    public NoticeTransfer {
      Objects.requireNonNull(transferId, "transferId");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  public record GetInfo(ActorRef<RoomInfo> replyTo) implements Command {}

  // ---- replies --------------------------------------------------------------------------------

  /**
   * @param lastSeq the seq of the room's latest entry; 0 for a room that does not exist
   * @param members usernames, sorted
   */
  public record RoomInfo(String roomId, long lastSeq, List<String> members) implements JsonSerializable {
    public RoomInfo {
      members = List.copyOf(members);
    }

    public boolean exists() {
      return lastSeq > 0;
    }
  }

  /** {@code info} is the room right after the join; a new member's own entry is {@code info.lastSeq()}. */
  public record Joined(RoomInfo info, boolean alreadyMember) implements JsonSerializable, RoomService.JoinResult {}

  public sealed interface LeaveReply extends JsonSerializable {}

  public record Left(RoomInfo info) implements LeaveReply {}

  /** The user is not a member (for a transfer notice: the room was never opened). Nothing was written. */
  public record NotMember() implements LeaveReply, PostReply {}

  public sealed interface PostReply extends JsonSerializable {}

  /** The message is in the timeline: written now, or, when {@code duplicate}, by an earlier attempt. */
  public record Posted(MessagePosted entry, boolean duplicate) implements PostReply {}

  /** The transfer notice is in the timeline: written now, or, when {@code duplicate}, before. */
  public record Noticed(TransferNoticed entry, boolean duplicate) implements PostReply {}

  /** Refused as malformed (empty or too long text, too long nonce); nothing was written. */
  public record Invalid(String reason) implements PostReply {}

  // ---- events: the timeline -------------------------------------------------------------------

  /** One timeline entry; also what the room's topic carries to subscribers. */
  public sealed interface Event extends JsonSerializable {
    String room();

    long seq();

    Instant at();
  }

  public record MessagePosted(String room, long seq, String author, String text, String nonce, Instant at)
      implements Event, RecentEntries.Keyed {
    /** A retried post is recognised by its author and nonce. */
    @Override
    @JsonIgnore
    public Object windowKey() {
      return postKey(author, nonce);
    }
  }

  private record PostKey(String author, String nonce) {}

  private static Object postKey(String author, String nonce) {
    return new PostKey(author, nonce);
  }

  public record MemberJoined(String room, long seq, String username, Instant at) implements Event {}

  public record MemberLeft(String room, long seq, String username, Instant at) implements Event {}

  /** No amount: the room learns that money moved, not how much. */
  public record TransferNoticed(String room, long seq, String transferId, String from, String to, Instant at)
      implements Event, RecentEntries.Keyed {
    /** A retried notice is recognised by its transfer id. */
    @Override
    @JsonIgnore
    public Object windowKey() {
      return transferId;
    }
  }

  // ---- state ----------------------------------------------------------------------------------

  public sealed interface State extends JsonSerializable {
    long lastSeq();

    RoomInfo info(String roomId);
  }

  /** No entry yet: the room does not exist. */
  public record Unopened() implements State {
    @Override
    public long lastSeq() {
      return 0;
    }

    @Override
    public RoomInfo info(String roomId) {
      return new RoomInfo(roomId, 0, List.of());
    }
  }

  /**
   * @param recentPosts     the latest posts that had a nonce, oldest first: whole entries, so that
   *                        a retry is answered with the original (its seq, text and time)
   * @param recentTransfers the latest transfer notices, oldest first
   */
  public record Open(long lastSeq, Set<String> members, RecentEntries<MessagePosted> recentPosts,
                     RecentEntries<TransferNoticed> recentTransfers) implements State {

    static final Open EMPTY = new Open(0, Set.of(), RecentEntries.none(), RecentEntries.none());
    private static final Class<?> SORTED = Collections.unmodifiableSortedSet(new TreeSet<String>()).getClass();

    public Open {
      // Kept sorted: every READY and history read takes the room's info, members sorted, and
      // general holds every user. Sorted once per join or leave (and recovery), not per read.
      members = members.getClass() == SORTED ? members : Collections.unmodifiableSortedSet(new TreeSet<>(members));
    }

    @Override
    public RoomInfo info(String roomId) {
      return new RoomInfo(roomId, lastSeq, List.copyOf(members));
    }

    boolean hasMember(String username) {
      return members.contains(username);
    }

    Optional<MessagePosted> postBy(String author, String nonce) {
      return recentPosts.find(postKey(author, nonce));
    }

    /** The room's latest entry when the retry windows hold it. */
    Optional<Event> latestKept() {
      return java.util.stream.Stream.<Event>concat(recentPosts.oldestFirst().stream(), recentTransfers.oldestFirst().stream())
          .filter(entry -> entry.seq() == lastSeq).findFirst();
    }

    Optional<TransferNoticed> notice(String transferId) {
      return recentTransfers.find(transferId);
    }

    Open joined(MemberJoined joined) {
      var newMembers = new TreeSet<>(members);
      newMembers.add(joined.username());
      return new Open(joined.seq(), Collections.unmodifiableSortedSet(newMembers), recentPosts, recentTransfers);
    }

    Open left(MemberLeft left) {
      var newMembers = new TreeSet<>(members);
      newMembers.remove(left.username());
      return new Open(left.seq(), Collections.unmodifiableSortedSet(newMembers), recentPosts, recentTransfers);
    }

    Open posted(MessagePosted posted, int window) {
      var posts = posted.nonce() == null ? recentPosts : recentPosts.add(posted, window);
      return new Open(posted.seq(), members, posts, recentTransfers);
    }

    Open noticed(TransferNoticed noticed, int window) {
      return new Open(noticed.seq(), members, recentPosts, recentTransfers.add(noticed, window));
    }
  }

  // ---- behaviour ------------------------------------------------------------------------------

  private final String roomId;
  private final ActorRef<Topic.Command<Event>> topic;
  private final int recentWindow;
  private final int snapshotEvery;
  private final Clock clock;
  private final TimerScheduler<Command> timers;
  private Event lastWritten;
  private int tailAnnouncements;

  private Room(String roomId, ActorRef<Topic.Command<Event>> topic, Settings settings, Clock clock,
               TimerScheduler<Command> timers) {
    super(persistenceId(roomId));
    this.roomId = roomId;
    this.topic = topic;
    this.recentWindow = settings.recentWindow();
    this.snapshotEvery = settings.snapshotEvery();
    this.clock = clock;
    this.timers = timers;
  }

  @Override
  public State emptyState() {
    return new Unopened();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder.forStateType(Unopened.class)
        .onCommand(Join.class, this::admit)
        .onCommand(Leave.class, leave -> Effect().reply(leave.replyTo(), new NotMember()))
        .onCommand(Post.class, post -> Effect().reply(post.replyTo(), new NotMember()))
        .onCommand(NoticeTransfer.class, notice -> Effect().reply(notice.replyTo(), new NotMember()));
    builder.forStateType(Open.class)
        .onCommand(Join.class, (room, join) -> room.hasMember(join.username())
            ? Effect().reply(join.replyTo(), new Joined(room.info(roomId), true))
            : admit(room, join))
        .onCommand(Leave.class, (room, leave) -> room.hasMember(leave.username())
            ? write(new MemberLeft(roomId, room.lastSeq() + 1, leave.username(), clock.instant()),
                leave.replyTo(), after -> new Left(after.info(roomId)))
            : Effect().reply(leave.replyTo(), new NotMember()))
        .onCommand(Post.class, this::post)
        .onCommand(NoticeTransfer.class, this::noticeTransfer);
    builder.forAnyState()
        .onCommand(GetInfo.class, (state, get) -> Effect().reply(get.replyTo(), state.info(roomId)))
        .onCommand(AnnounceTail.class, announce -> {
          if (lastWritten != null) topic.tell(Topic.publish(lastWritten));
          if (++tailAnnouncements < TAIL_DELAYS.length) {
            timers.startSingleTimer(TAIL_TIMER, new AnnounceTail(), TAIL_DELAYS[tailAnnouncements]);
          }
          return Effect().noReply();
        });
    return builder.build();
  }

  private ReplyEffect<Event, State> admit(State state, Join join) {
    return write(new MemberJoined(roomId, state.lastSeq() + 1, join.username(), clock.instant()),
        join.replyTo(), after -> new Joined(after.info(roomId), false));
  }

  /**
   * A retry is recognised before membership is checked: a post that was written is answered as
   * written even if its author has left since.
   */
  private ReplyEffect<Event, State> post(Open room, Post post) {
    var problem = textProblem(post.text()).or(() -> nonceProblem(post.nonce()));
    if (problem.isPresent()) return Effect().reply(post.replyTo(), new Invalid(problem.get()));
    var nonce = post.nonce() == null || post.nonce().isEmpty() ? null : post.nonce();
    var original = nonce == null ? Optional.<MessagePosted>empty() : room.postBy(post.author(), nonce);
    if (original.isPresent()) return Effect().reply(post.replyTo(), new Posted(original.get(), true));
    if (!room.hasMember(post.author())) return Effect().reply(post.replyTo(), new NotMember());
    var entry = new MessagePosted(roomId, room.lastSeq() + 1, post.author(), post.text().strip(), nonce, clock.instant());
    return write(entry, post.replyTo(), after -> new Posted(entry, false));
  }

  /**
   * Not limited to members: the transfer was made while both were in the room (the caller checked
   * that), and its notice belongs in the timeline even if one of them has left in the meantime.
   */
  private ReplyEffect<Event, State> noticeTransfer(Open room, NoticeTransfer notice) {
    if (notice.transferId().isBlank()) return Effect().reply(notice.replyTo(), new Invalid("transfer id is required"));
    var original = room.notice(notice.transferId());
    if (original.isPresent()) return Effect().reply(notice.replyTo(), new Noticed(original.get(), true));
    var entry = new TransferNoticed(roomId, room.lastSeq() + 1, notice.transferId(), notice.from(), notice.to(),
        clock.instant());
    return write(entry, notice.replyTo(), after -> new Noticed(entry, false));
  }

  /** Writes the next timeline entry, then publishes it and answers from the state it led to. */
  private <R> ReplyEffect<Event, State> write(Event entry, ActorRef<R> replyTo, Function<State, R> reply) {
    return Effect()
        .persist(entry)
        .thenRun(after -> {
          topic.tell(Topic.publish(entry));
          announceTail();
        })
        .thenReply(replyTo, reply);
  }

  private void announceTail() {
    tailAnnouncements = 0;
    timers.startSingleTimer(TAIL_TIMER, new AnnounceTail(), TAIL_DELAYS[0]);
  }

  /**
   * The timeline; it also notes the latest entry (replayed or written) for {@link AnnounceTail},
   * which is this instance's own memory, not state.
   */
  @Override
  public EventHandler<State, Event> eventHandler() {
    var builder = newEventHandlerBuilder();
    builder.forStateType(Unopened.class)
        .onEvent(MemberJoined.class, joined -> Open.EMPTY.joined(joined));
    builder.forStateType(Open.class)
        .onEvent(MemberJoined.class, Open::joined)
        .onEvent(MemberLeft.class, Open::left)
        .onEvent(MessagePosted.class, (room, posted) -> room.posted(posted, recentWindow))
        .onEvent(TransferNoticed.class, (room, noticed) -> room.noticed(noticed, recentWindow));
    var timeline = builder.build();
    return (state, entry) -> {
      lastWritten = entry;
      return timeline.apply(state, entry);
    };
  }

  /**
   * A room that comes back within the tail window of its latest entry (its shard moved, or its
   * node died, right after a write) announces that entry again: the timers of the instance that
   * wrote it died with it. After a snapshot with nothing replayed the latest entry is known when it
   * is a post with a nonce or a transfer notice (the retry windows keep them).
   */
  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          if (lastWritten == null && state instanceof Open room) lastWritten = room.latestKept().orElse(null);
          if (lastWritten != null && lastWritten.seq() == state.lastSeq()
              && lastWritten.at().isAfter(clock.instant().minus(TAIL_WINDOW))) {
            announceTail();
          }
        })
        .build();
  }

  // No tags (the default): no read model reads rooms by tag (history reads a room's own events), and
  // akka-persistence-jdbc writes each tag as a row of its own, a statement more for every message.
  //
  // Snapshots only shorten recovery: events are never deleted, because the journal is the history.
  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2);
  }
}
