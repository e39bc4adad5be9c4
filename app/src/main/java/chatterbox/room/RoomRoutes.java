package chatterbox.room;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import chatterbox.account.AccountService;
import chatterbox.account.AuthenticatedRoutes;
import chatterbox.platform.http.Validation;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/rooms/{id}/messages?before=&after=&limit=}: a page of a room's timeline, for its
 * members (docs/protocol.md, "History"). Mounted under {@code /api}.
 */
public final class RoomRoutes extends AuthenticatedRoutes {

  public static final int DEFAULT_LIMIT = 50;

  /** The answer: entries oldest first, in the protocol's snake_case. */
  public record HistoryPage(String room, List<Object> events, @JsonProperty("has_more") boolean hasMore) {

    static HistoryPage of(RoomService.History history) {
      return new HistoryPage(history.room(), history.events().stream().map(HistoryPage::entry).toList(),
          history.hasMore());
    }

    private static Object entry(Room.Event event) {
      if (event instanceof Room.MessagePosted m) {
        return new MessageEntry(m.seq(), "message", m.author(), m.text(), m.nonce(), m.at());
      }
      if (event instanceof Room.MemberJoined j) return new MemberEntry(j.seq(), "member_joined", j.username(), j.at());
      if (event instanceof Room.MemberLeft l) return new MemberEntry(l.seq(), "member_left", l.username(), l.at());
      var t = (Room.TransferNoticed) event; // no amount, and no transfer id: members learn only who paid whom
      return new TransferEntry(t.seq(), "transfer", t.from(), t.to(), t.at());
    }
  }

  public record MessageEntry(long seq, String type, String author, String text, String nonce, Instant at) {}

  public record MemberEntry(long seq, String type, String username, Instant at) {}

  public record TransferEntry(long seq, String type, String from, String to, Instant at) {}

  private final RoomService rooms;

  public RoomRoutes(AccountService accounts, String operatorToken, RoomService rooms) {
    super(accounts, operatorToken);
    this.rooms = rooms;
  }

  public Route routes() {
    // The room wakes side by side with the requester's session check (its info answers nothing
    // until the session is found open, and a malformed id wakes nothing).
    return path(PathMatchers.segment("rooms").slash(PathMatchers.segment()).slash("messages"), roomId ->
        get(() -> authenticatedRead(user -> rooms.info(roomId), (session, info) ->
            parameterOptional("before", before -> parameterOptional("after", after -> parameterOptional("limit", limit ->
                history(info, session.username(), before, after, limit)))))));
  }

  private Route history(Room.RoomInfo info, String requester, Optional<String> before, Optional<String> after,
                        Optional<String> limit) {
    var validation = new Validation()
        .check("before", wholeNumberProblem(before, 1, Long.MAX_VALUE, "must be a positive integer"))
        .check("after", wholeNumberProblem(after, 0, Long.MAX_VALUE, "must be 0 or a positive integer"))
        .check("limit", wholeNumberProblem(limit, 1, RoomService.MAX_HISTORY_PAGE,
            "must be an integer from 1 to " + RoomService.MAX_HISTORY_PAGE))
        .require(before.isEmpty() || after.isEmpty(), "after", "give before or after, not both");
    if (!validation.isValid()) return invalid(validation.errors());
    if (Room.idProblem(info.roomId()).isPresent()) return noSuchRoom();
    var page = rooms.history(info, requester, before.map(Long::valueOf).orElse(null),
        after.map(Long::valueOf).orElse(null), limit.map(Integer::valueOf).orElse(DEFAULT_LIMIT));
    // A failure (an entity that does not answer in time) is the API's shared 503, see JsonRoutes.
    return onSuccess(page, result -> {
      if (result instanceof RoomService.History history) return json(StatusCodes.OK, HistoryPage.of(history));
      if (result instanceof RoomService.NotAMember) {
        return error(StatusCodes.FORBIDDEN, "room", "only members of the room may read its messages");
      }
      return noSuchRoom();
    });
  }

  private Route noSuchRoom() {
    return error(StatusCodes.NOT_FOUND, "room", "no such room");
  }

  /** Absent is fine; present must be a whole number from {@code min} to {@code max}. */
  private static Optional<String> wholeNumberProblem(Optional<String> raw, long min, long max, String rule) {
    if (raw.isEmpty()) return Optional.empty();
    try {
      long value = Long.parseLong(raw.get());
      return value >= min && value <= max ? Optional.empty() : Optional.of(rule);
    } catch (NumberFormatException e) {
      return Optional.of(rule);
    }
  }
}
