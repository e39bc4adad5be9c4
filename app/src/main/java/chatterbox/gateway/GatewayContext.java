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
import chatterbox.transfer.PaymentReceipt;
import chatterbox.transfer.Payments;
import chatterbox.transfer.TransferService;

import java.time.Duration;
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

  EntityRef<Presence.Command> presence(String username) {
    return sharding.entityRefFor(Presence.ENTITY_TYPE_KEY, username);
  }

  void notifyUser(UserNotice notice) {
    roomService.notifyUser(notice);
  }

  /** Tells the payer's sessions and the payee's, each with their own new balance. */
  void sendReceipts(PaymentReceipt receipt) {
    var amount = Money.format(receipt.amount());
    var at = receipt.at().toString();
    notifyUser(new GatewayNotice.TransferReceipt(receipt.payer(), receipt.transferId(), "out", receipt.payer(),
        receipt.payee(), amount, Money.format(receipt.balances().payer()), receipt.room(), at));
    notifyUser(new GatewayNotice.TransferReceipt(receipt.payee(), receipt.transferId(), "in", receipt.payer(),
        receipt.payee(), amount, Money.format(receipt.balances().payee()), receipt.room(), at));
  }
}
