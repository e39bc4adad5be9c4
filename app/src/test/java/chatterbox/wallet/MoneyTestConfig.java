package chatterbox.wallet;

import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import chatterbox.platform.runtime.ServiceNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** Actor systems for the money core's tests: in-memory journal and snapshots, one local node. */
public final class MoneyTestConfig {

  private MoneyTestConfig() {}

  public static Config config() {
    return ConfigFactory.parseString("akka.actor.provider = local")
        .withFallback(EventSourcedBehaviorTestKit.config())
        .withFallback(ServiceNode.withServiceDefaults(ConfigFactory.empty()));
  }

  /**
   * Also serializes every message actors send each other, as though it crossed the network: the
   * wallet commands and replies, the transfer commands and replies. Only messages marked
   * NoSerializationVerificationNeeded (the saga's messages to itself) are spared.
   */
  public static Config serializingMessages() {
    return ConfigFactory.parseString("akka.actor.serialize-messages = on").withFallback(config());
  }
}
