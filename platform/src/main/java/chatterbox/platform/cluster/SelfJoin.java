package chatterbox.platform.cluster;

import akka.actor.typed.ActorSystem;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.management.cluster.bootstrap.ClusterBootstrap;
import akka.management.javadsl.AkkaManagement;

/**
 * How a node finds its cluster. With {@code <root>.cluster.bootstrap = on} it starts Akka
 * Management (health checks at /ready and /alive) and Cluster Bootstrap, which forms or joins the
 * cluster from the nodes its discovery method finds (the Kubernetes API, or a configured list). Else,
 * with no seed nodes and {@code join-self = on}, it forms a one-node cluster by itself: the laptop
 * and test setup. No production configuration hard-codes seed nodes.
 */
public final class SelfJoin {

  private SelfJoin() {}

  public static void joinIfConfigured(ActorSystem<?> system, String clusterSettingsPath) {
    var config = system.settings().config().getConfig(clusterSettingsPath);
    if (config.hasPath("bootstrap") && config.getBoolean("bootstrap")) {
      AkkaManagement.get(system.classicSystem()).start();
      ClusterBootstrap.get(system.classicSystem()).start();
      return;
    }
    boolean seedless = system.settings().config().getStringList("akka.cluster.seed-nodes").isEmpty();
    if (seedless && config.getBoolean("join-self")) {
      var cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }
}
