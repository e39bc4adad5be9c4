package chatterbox.testing;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A test kit's actor system as a one-node cluster, so sharded entities run as in production. */
public final class OneNodeCluster {

  private OneNodeCluster() {}

  /** A cluster node on a free port of 127.0.0.1; several may share a JVM. */
  public static Config nodeConfig() {
    return ConfigFactory.parseString("""
        akka.actor.provider = cluster
        akka.remote.artery.canonical.hostname = "127.0.0.1"
        akka.remote.artery.canonical.port = 0
        akka.cluster.jmx.multi-mbeans-in-same-jvm = on
        """);
  }

  /** Joins the system to itself and waits until it is Up. */
  public static void join(ActorTestKit testKit) {
    var cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(MemberStatus.up(), cluster.selfMember().status());
      return null;
    });
  }
}
