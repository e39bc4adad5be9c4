package chatterbox.gateway;

import akka.actor.typed.javadsl.ActorContext;
import chatterbox.room.Room;
import chatterbox.room.RoomService;
import chatterbox.wallet.Money;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/** Gathers what READY tells a new session: its rooms with their members and presence, and the balance. */
final class SessionStart {

  private SessionStart() {}

  static void compute(ActorContext<Session.Command> ctx, String sessionId, String username, GatewayContext gateway) {
    var rooms = gateway.roomService().ensureDefaultRoom(username)
        .thenCompose(ids -> all(ids.stream().map(gateway.roomService()::info).toList()));
    var balance = gateway.transfers().balance(username);
    var ready = rooms.thenCompose(infos -> {
      var views = new LinkedHashMap<String, RoomView>();
      infos.forEach(info -> views.put(info.roomId(), RoomView.of(info, gateway.settings().largeRoom())));
      return withPresence(gateway, presenceShownIn(infos, views)).thenCombine(balance, (online, money) -> {
        var list = Events.array();
        for (var info : infos) list.add(Events.room(info, views.get(info.roomId()), online));
        return new Session.Ready(Events.ready(sessionId, username, Money.format(money.balance()), list), views);
      });
    });
    ctx.pipeToSelf(ready, (result, failure) -> failure == null ? result : new Session.StartFailed(failure));
  }

  /**
   * Wakes what READY will read of {@code username} (the room list and the wallet, asleep for a user
   * back after a while), so that their recoveries run beside the account's session check instead
   * of after it. Reads only; the answers are dropped, and {@link #compute} asks again.
   */
  static void wake(GatewayContext gateway, String username) {
    gateway.roomService().roomsOf(username);
    gateway.transfers().balance(username);
  }

  /** The members whose presence a session shows: those of its rooms that are not large. */
  static List<String> presenceShownIn(List<Room.RoomInfo> infos, Map<String, RoomView> views) {
    return infos.stream().filter(info -> !views.get(info.roomId()).large())
        .flatMap(info -> info.members().stream()).distinct().toList();
  }

  /** Who of {@code usernames} is online: one question to each presence group they are in (none counts as offline). */
  static CompletionStage<Map<String, Boolean>> withPresence(GatewayContext gateway, Collection<String> usernames) {
    var byGroup = usernames.stream().distinct().collect(Collectors.groupingBy(
        user -> Presence.groupOf(user, gateway.settings().presenceGroups())));
    var answers = byGroup.values().stream()
        .map(users -> gateway.presence(users.get(0))
            .<Presence.OnlineUsers>ask(replyTo -> new Presence.WhoIsOnline(users, replyTo), gateway.askTimeout())
            .exceptionally(e -> new Presence.OnlineUsers(Set.of())))
        .toList();
    return all(answers).thenApply(list -> {
      var online = new HashMap<String, Boolean>();
      usernames.forEach(user -> online.put(user, false));
      list.forEach(answer -> answer.online().forEach(user -> online.put(user, true)));
      return online;
    });
  }

  static List<Room.Event> eventsOf(RoomService.HistoryResult result) {
    return result instanceof RoomService.History history ? history.events() : List.of();
  }

  private static <T> CompletionStage<List<T>> all(List<? extends CompletionStage<T>> stages) {
    var futures = stages.stream().map(CompletionStage::toCompletableFuture).toList();
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(done -> {
          var results = new ArrayList<T>(futures.size());
          futures.forEach(f -> results.add(f.join()));
          return results;
        });
  }
}
