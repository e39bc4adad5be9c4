package chatterbox.platform.cluster;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.ClusterShardingSettings;

import java.time.Duration;

/**
 * Sharding settings for an entity type whose idle entities should leave memory after their own
 * timeout rather than the node's default ({@code akka.cluster.sharding.passivation}): an entity that
 * has had no message through its shard for {@code idleTimeout} is passivated, checked every half of
 * it, so it goes between one and one and a half timeouts after its last message. Its next message
 * wakes it from the journal.
 */
public final class IdlePassivation {

  private IdlePassivation() {}

  public static ClusterShardingSettings after(ActorSystem<?> system, Duration idleTimeout) {
    var settings = ClusterShardingSettings.create(system);
    return settings.withPassivationStrategy(settings.passivationStrategySettings().withIdleEntityPassivation(idleTimeout));
  }
}
