package chatterbox.wallet;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.RecipientRef;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Where to send a wallet's commands. In the running system that is the sharded {@link Wallet}
 * entity; tests put wallet actors or probes of their own behind it.
 */
@FunctionalInterface
public interface Wallets {

  RecipientRef<Wallet.Command> get(String walletId);

  /** The sharded wallets; {@link Wallet#init} must have run on this system. */
  static Wallets sharded(ActorSystem<?> system) {
    var sharding = ClusterSharding.get(system);
    return walletId -> sharding.entityRefFor(Wallet.ENTITY_TYPE_KEY, walletId);
  }
}
