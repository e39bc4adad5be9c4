package chatterbox.room;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.pubsub.Topic;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.japi.function.Function;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import akka.stream.javadsl.Sink;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * What the gateway and the HTTP API ask of rooms. Each question goes to the entity that owns the
 * room or the user, wherever in the cluster it lives; nothing here blocks.
 *
 * <p>Membership lives in two places: the {@link Room} decides it, and the user's
 * {@link UserRooms} lists it for the user's sessions. Both steps are idempotent, so a failed join
 * or leave is repaired by repeating it, and a step that fails halfway leaves the user a member of
 * a room that is not listed, not listed in a room they are not a member of (which would show them
 * a room they may not read): {@link #leave} unlists and then leaves; {@link #join} lists first, so
 * that a full list refuses before the room changes, and unlists again when the room does not
 * answer. A join and a leave of the same room by the same user at the same moment may still
 * cross; readers that must be sure ask the room ({@link #info}).
 *
 * <p>Failures: {@link IllegalArgumentException} for a malformed room id or history query, and
 * Akka's ask timeout when an entity does not answer.
 */
public final class RoomService {

  /** The room everyone is put in at their first login. */
  public static final String DEFAULT_ROOM = "general";

  public static final int MAX_HISTORY_PAGE = 100;

  public sealed interface HistoryResult {}

  /** Entries oldest first; {@code hasMore}: entries exist beyond the page in the direction of paging. */
  public record History(String room, List<Room.Event> events, boolean hasMore) implements HistoryResult {}

  /** The room exists, but the requester is not a member. */
  public record NotAMember(String room) implements HistoryResult {}

  public record NoSuchRoom(String room) implements HistoryResult {}

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final RoomTopics topics;
  private final CurrentEventsByPersistenceIdQuery journal;
  private final Duration askTimeout;

  /** The service over the sharded entities, reading history from the JDBC journal. */
  public RoomService(ActorSystem<?> system, Duration askTimeout) {
    this(system, askTimeout,
        PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier()));
  }

  /** @param journal the read side of the journal the rooms write to */
  public RoomService(ActorSystem<?> system, Duration askTimeout, CurrentEventsByPersistenceIdQuery journal) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.topics = RoomTopics.get(system);
    this.journal = journal;
    this.askTimeout = askTimeout;
  }

  /** What a join comes to: the room joined, or nothing done because the user's list is full. */
  public sealed interface JoinResult permits Room.Joined, TooManyRooms {}

  /** The user is in {@code limit} rooms, the most one user may be in: the room was not joined. */
  public record TooManyRooms(int limit) implements JoinResult {}

  /**
   * Lists the room for the user (unless their list is full: {@link TooManyRooms}), makes them a
   * member (creating the room if new), and tells the user's sessions ({@link UserNotice.RoomJoined},
   * also when already a member, so a repeated join repairs a session that missed it). When the
   * room does not answer, the room is unlisted again before the failure is passed on (the room may
   * still have made them a member, which a retry completes); a room listed before stays listed.
   */
  public CompletionStage<JoinResult> join(String roomId, String username) {
    return requireIds(roomId, username)
        .thenCompose(valid -> sharding.entityRefFor(UserRooms.ENTITY_TYPE_KEY, username)
            .<UserRooms.AddReply>ask(replyTo -> new UserRooms.Add(roomId, replyTo), askTimeout))
        .thenCompose(listed -> listed instanceof UserRooms.Full full
            ? CompletableFuture.<JoinResult>completedFuture(new TooManyRooms(full.limit()))
            : joinListed(roomId, username, listed instanceof UserRooms.Added));
  }

  private CompletionStage<JoinResult> joinListed(String roomId, String username, boolean newlyListed) {
    return room(roomId).<Room.Joined>ask(replyTo -> new Room.Join(username, replyTo), askTimeout)
        .<JoinResult>thenApply(joined -> {
          topics.notifyUser(new UserNotice.RoomJoined(username, joined.info()));
          return joined;
        })
        .exceptionallyCompose(failure -> unlistIf(newlyListed, roomId, username).<JoinResult>handle((unlisted, ignored) -> {
          throw failure instanceof CompletionException wrapped ? wrapped : new CompletionException(failure);
        }));
  }

  // Best effort: a room that stays listed because this fails too is repaired by a retry or a leave.
  private CompletionStage<?> unlistIf(boolean listedByThisJoin, String roomId, String username) {
    return listedByThisJoin
        ? askUserRooms(username, replyTo -> new UserRooms.Remove(roomId, replyTo))
        : CompletableFuture.completedFuture(null);
  }

  /** Unlists the room for the user, then leaves it; on {@link Room.Left}, tells the user's sessions. */
  public CompletionStage<Room.LeaveReply> leave(String roomId, String username) {
    return requireIds(roomId, username)
        .thenCompose(valid -> askUserRooms(username, replyTo -> new UserRooms.Remove(roomId, replyTo)))
        .thenCompose(unlisted -> room(roomId).<Room.LeaveReply>ask(replyTo -> new Room.Leave(username, replyTo), askTimeout))
        .thenApply(reply -> {
          if (reply instanceof Room.Left) {
            topics.notifyUser(new UserNotice.RoomLeft(username, roomId));
          }
          return reply;
        });
  }

  /** Repeating a call with the same {@code nonce} is safe: the message is written once. */
  public CompletionStage<Room.PostReply> post(String roomId, String author, String text, String nonce) {
    return requireRoomId(roomId).thenCompose(valid ->
        room(roomId).ask(replyTo -> new Room.Post(author, text, nonce, replyTo), askTimeout));
  }

  /** Repeating a call with the same {@code transferId} is safe: the notice is written once. */
  public CompletionStage<Room.PostReply> noticeTransfer(String roomId, String transferId, String from, String to) {
    return requireRoomId(roomId).thenCompose(valid ->
        room(roomId).ask(replyTo -> new Room.NoticeTransfer(transferId, from, to, replyTo), askTimeout));
  }

  /** The room's last seq and members; a room that does not exist (or cannot) has last seq 0. */
  public CompletionStage<Room.RoomInfo> info(String roomId) {
    // A malformed id can name no room: answer without waking an entity for it.
    if (Room.idProblem(roomId).isPresent()) return CompletableFuture.completedFuture(new Room.RoomInfo(roomId, 0, List.of()));
    return room(roomId).ask(Room.GetInfo::new, askTimeout);
  }

  /** The rooms listed for the user, in the order joined. */
  public CompletionStage<List<String>> roomsOf(String username) {
    return askUserRooms(username, UserRooms.Get::new).thenApply(UserRooms.Rooms::roomIds);
  }

  /**
   * At a user's first login, joins {@link #DEFAULT_ROOM}; after that never again, so a user who
   * left it stays out. Answers the user's rooms. Concurrent first logins join once (both steps
   * are idempotent); a login that fails halfway is completed by the next one.
   */
  public CompletionStage<List<String>> ensureDefaultRoom(String username) {
    return askUserRooms(username, UserRooms.Get::new).thenCompose(rooms -> rooms.initialized()
        ? CompletableFuture.completedFuture(rooms)
        : join(DEFAULT_ROOM, username).thenCompose(joined -> askUserRooms(username, UserRooms.MarkInitialized::new)))
        .thenApply(UserRooms.Rooms::roomIds);
  }

  /**
   * A page of the room's timeline for a member, read from the journal (a room's seq is its
   * journal's sequence number). Without {@code before} and {@code after}: the latest
   * {@code limit} entries; with {@code before}: the {@code limit} entries right before it; with
   * {@code after}: the first {@code limit} entries after it. Oldest first. Entries written after
   * the membership check are left for the next page.
   *
   * @param before null or at least 1
   * @param after  null or at least 0 (0: from the beginning); not together with {@code before}
   * @param limit  1 to {@value #MAX_HISTORY_PAGE}
   */
  public CompletionStage<HistoryResult> history(String roomId, String requester, Long before, Long after, int limit) {
    return info(roomId).thenCompose(info -> history(info, requester, before, after, limit));
  }

  /**
   * As {@link #history(String, String, Long, Long, int)}, for a room whose {@link #info} has been
   * asked already (the API asks it while the requester's session is checked, so a passivated room
   * and account wake up side by side).
   */
  public CompletionStage<HistoryResult> history(Room.RoomInfo info, String requester, Long before, Long after, int limit) {
    if (limit < 1 || limit > MAX_HISTORY_PAGE || (before != null && before < 1) || (after != null && after < 0)
        || (before != null && after != null)) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "history query: limit 1 to " + MAX_HISTORY_PAGE + ", before at least 1 or after at least 0 (not both)"));
    }
    var roomId = info.roomId();
    if (!info.exists()) return CompletableFuture.completedFuture(new NoSuchRoom(roomId));
    if (!info.members().contains(requester)) return CompletableFuture.completedFuture(new NotAMember(roomId));
    var range = HistoryRange.of(info.lastSeq(), before, after, limit);
    if (range.isEmpty()) return CompletableFuture.completedFuture(new History(roomId, List.of(), range.hasMore()));
    return journal.currentEventsByPersistenceId(Room.persistenceId(roomId).id(), range.from(), range.to())
        .map(envelope -> (Room.Event) envelope.event())
        .take(limit)
        .runWith(Sink.seq(), system)
        .thenApply(events -> new History(roomId, List.copyOf(events), range.hasMore()));
  }

  /** Subscribes {@code subscriber} (a session) to the room's live entries. */
  public void subscribe(String roomId, ActorRef<Room.Event> subscriber) {
    topics.subscribe(roomId, subscriber);
  }

  public void unsubscribe(String roomId, ActorRef<Room.Event> subscriber) {
    topics.unsubscribe(roomId, subscriber);
  }

  /** The topic of every user's notices, for the node's relay to subscribe to. */
  public ActorRef<Topic.Command<UserNotice>> userNotices() {
    return topics.userNotices();
  }

  /** Tells all of the notice's user's sessions, on whichever nodes they are. */
  public void notifyUser(UserNotice notice) {
    topics.notifyUser(notice);
  }

  private EntityRef<Room.Command> room(String roomId) {
    return sharding.entityRefFor(Room.ENTITY_TYPE_KEY, roomId);
  }

  // Every UserRooms command is answered with the list as it stands afterwards.
  private CompletionStage<UserRooms.Rooms> askUserRooms(String username,
                                                        Function<ActorRef<UserRooms.Rooms>, UserRooms.Command> command) {
    return sharding.entityRefFor(UserRooms.ENTITY_TYPE_KEY, username).ask(command, askTimeout);
  }

  private static CompletionStage<String> requireRoomId(String roomId) {
    var problem = Room.idProblem(roomId);
    return problem.isPresent()
        ? CompletableFuture.failedFuture(new IllegalArgumentException("room id " + problem.get()))
        : CompletableFuture.completedFuture(roomId);
  }

  /** Members are named as sessions name them: canonical usernames, which also name their topics. */
  private static CompletionStage<String> requireIds(String roomId, String username) {
    var problem = UserRooms.idProblem(username);
    if (problem.isPresent()) return CompletableFuture.failedFuture(new IllegalArgumentException("username " + problem.get()));
    return requireRoomId(roomId);
  }
}
