package chatterbox.platform.cluster;

import akka.actor.typed.ActorSystem;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;

/**
 * A node started with no seed nodes and {@code chatterbox.cluster.join-self = on} forms a
 * one-node cluster by itself: the laptop and test setup. Multi-node deployments turn it off and
 * form the cluster through seed nodes or Cluster Bootstrap instead.
 */
public final class SelfJoin {

  private SelfJoin() {}

  public static void joinIfConfigured(ActorSystem<?> system, String settingPath) {
    var config = system.settings().config();
    boolean seedless = config.getStringList("akka.cluster.seed-nodes").isEmpty();
    if (seedless && config.getBoolean(settingPath)) {
      var cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }
}
