package chatterbox.gateway;

import akka.actor.typed.ActorRef;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import chatterbox.account.AccountService;
import chatterbox.metrics.Metrics;
import chatterbox.platform.cluster.TopicRelay;
import chatterbox.room.RoomService;
import chatterbox.room.UserNotice;
import chatterbox.wallet.Money;
import chatterbox.transfer.CompletedTransfer;
import chatterbox.transfer.Payments;
import chatterbox.transfer.TransferService;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the gateway's actors share on one node: services, settings, the relays that bring presence
 * changes and users' notices to this node's sessions, and the live sessions.
 */
record GatewayContext(
    GatewaySettings settings,
    AccountService accounts,
    RoomService roomService,
    Payments payments,
    TransferService transfers,
    long maxTransfer,
    ClusterSharding sharding,
    ActorRef<TopicRelay.Command<Presence.Changed>> presenceRelay,
    ActorRef<TopicRelay.Command<UserNotice>> noticeRelay,
    ConcurrentHashMap<String, ActorRef<Session.Command>> sessions,
    Duration askTimeout,
    Metrics metrics,
    UserRateLimit userRateLimit,
    RoomEventFrames roomEventFrames) {

  /** The presence group that keeps {@code username}'s sessions. */
  EntityRef<Presence.Command> presence(String username) {
    return Presence.groupFor(sharding, username, settings.presenceGroups());
  }

  void notifyUser(UserNotice notice) {
    roomService.notifyUser(notice);
  }

  /**
   * Tells each user of a completed transfer, on all their sessions, with their own new balance: the
   * payer's and the payee's of a payment, the one user's of a deposit or withdrawal.
   */
  void sendReceipts(CompletedTransfer transfer) {
    var request = transfer.request();
    var kind = request.kind().name().toLowerCase(Locale.ROOT);
    var from = CompletedTransfer.user(request.from());
    var to = CompletedTransfer.user(request.to());
    var amount = Money.format(request.amount());
    var at = transfer.at().toString();
    if (from != null) {
      notifyUser(new GatewayNotice.TransferReceipt(from, transfer.transferId(), kind, "out", from, to, amount,
          Money.format(transfer.balances().payer()), transfer.room(), at));
    }
    if (to != null) {
      notifyUser(new GatewayNotice.TransferReceipt(to, transfer.transferId(), kind, "in", from, to, amount,
          Money.format(transfer.balances().payee()), transfer.room(), at));
    }
  }
}
