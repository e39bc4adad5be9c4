package chatterbox.deploy;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/deployment.md and k8s/README.md describe what the configuration and the files really are. */
class DeploymentDocsTest {

  @Test
  void theDocumentedSplitBrainResolverIsTheConfiguredOne() {
    var config = DeployFiles.effectiveConfig("chatterbox.conf", ConfigFactory.empty(), Map.of());
    var sbr = config.getConfig("akka.cluster.split-brain-resolver");
    var doc = DeployFiles.read("docs/deployment.md");
    var strategy = sbr.getString("active-strategy");
    var stableAfter = sbr.getDuration("stable-after").toSeconds();
    assertTrue(config.getString("akka.cluster.downing-provider-class").endsWith("SplitBrainResolverProvider"));
    assertTrue(doc.contains("active-strategy = " + strategy), "docs/deployment.md must state active-strategy = " + strategy);
    assertTrue(doc.contains("stable-after = " + stableAfter + "s"), "docs/deployment.md must state stable-after = " + stableAfter + "s");
    // The document says both clusters use these settings.
    var kyc = DeployFiles.effectiveConfig("kyc.conf", ConfigFactory.empty(), Map.of());
    assertTrue(kyc.getString("akka.cluster.downing-provider-class").endsWith("SplitBrainResolverProvider"));
    assertEquals(strategy, kyc.getString("akka.cluster.split-brain-resolver.active-strategy"), "KYC's strategy");
    assertEquals(stableAfter, kyc.getDuration("akka.cluster.split-brain-resolver.stable-after").toSeconds(), "KYC's stable-after");
    assertTrue(doc.contains("`kyc.conf`"), "docs/deployment.md must say where KYC's settings are");
  }

  @Test
  void theDocsCoverTheThreeWaysToRunAndNameFilesThatExist() {
    var doc = DeployFiles.read("docs/deployment.md");
    for (var phrase : List.of("./run.sh", "docker compose up", "kubectl apply -k k8s/", "/ready", "/alive", "RECONNECT",
        "maxSurge: 1, maxUnavailable: 0", "lease-majority")) {
      assertTrue(doc.contains(phrase), "docs/deployment.md does not mention " + phrase);
    }
    for (var file : List.of("app/Dockerfile", "kyc/Dockerfile", ".dockerignore", "docker-compose.yml", "conf/compose-app.conf",
        "conf/compose-kyc.conf", "conf/nginx.conf", "conf/logback-production.xml", "k8s/README.md", "k8s/config.yaml")) {
      DeployFiles.file(file);
    }
    var readme = DeployFiles.read("k8s/README.md");
    for (var file : DeployFiles.k8sFiles()) {
      assertTrue(readme.contains("`" + file + "`"), "k8s/README.md does not describe " + file);
    }
  }
}
