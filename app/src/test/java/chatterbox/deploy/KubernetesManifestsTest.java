package chatterbox.deploy;

import chatterbox.deploy.DeployFiles.Manifest;
import chatterbox.platform.config.Secrets;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static chatterbox.deploy.DeployFiles.containers;
import static chatterbox.deploy.DeployFiles.discoverySelector;
import static chatterbox.deploy.DeployFiles.documents;
import static chatterbox.deploy.DeployFiles.effectiveConfig;
import static chatterbox.deploy.DeployFiles.env;
import static chatterbox.deploy.DeployFiles.k8sFiles;
import static chatterbox.deploy.DeployFiles.manifests;
import static chatterbox.deploy.DeployFiles.namedPorts;
import static chatterbox.deploy.DeployFiles.object;
import static chatterbox.deploy.DeployFiles.ofKind;
import static chatterbox.deploy.DeployFiles.onlyContainer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** k8s/: every manifest parses and agrees with the services' configuration and with each other. */
class KubernetesManifestsTest {

  private static final String NAMESPACE = "chatterbox";

  /** The kinds these manifests may use, each with the apiVersion that serves it. */
  private static final Map<String, String> KNOWN_KINDS = Map.ofEntries(
      Map.entry("Namespace", "v1"), Map.entry("ServiceAccount", "v1"), Map.entry("ConfigMap", "v1"),
      Map.entry("Secret", "v1"), Map.entry("Service", "v1"), Map.entry("PersistentVolumeClaim", "v1"),
      Map.entry("Deployment", "apps/v1"), Map.entry("StatefulSet", "apps/v1"),
      Map.entry("HorizontalPodAutoscaler", "autoscaling/v2"), Map.entry("PodDisruptionBudget", "policy/v1"),
      Map.entry("Role", "rbac.authorization.k8s.io/v1"), Map.entry("RoleBinding", "rbac.authorization.k8s.io/v1"),
      Map.entry("NetworkPolicy", "networking.k8s.io/v1"), Map.entry("Ingress", "networking.k8s.io/v1"));

  /** One service's workload and what it runs on. */
  private record Service(String deployment, String resource, String root, String overlayVariable) {
    Manifest manifest() { return object("Deployment", deployment); }
    JsonNode container() { return onlyContainer(manifest()); }

    /** The configuration the container runs with: its ConfigMap overlay, bundled conf and env. */
    Config config() {
      return effectiveConfig(resource, overlay(manifest(), overlayVariable), env(container()));
    }
  }

  private static final Service APP = new Service("chatterbox-app", "chatterbox.conf", "chatterbox", "CHATTERBOX_CONFIG_FILE");
  private static final Service KYC = new Service("chatterbox-kyc", "kyc.conf", "kyc", "KYC_CONFIG_FILE");
  private static final List<Service> SERVICES = List.of(APP, KYC);

  @Test
  void everyDocumentIsAKnownKindWithANameInTheNamespace() {
    var files = k8sFiles();
    for (var expected : List.of("namespace.yaml", "rbac.yaml", "config.yaml", "secrets.yaml", "app.yaml",
        "kyc.yaml", "postgres.yaml", "kustomization.yaml")) {
      assertTrue(files.contains(expected), "k8s/" + expected + " is missing");
    }
    var seen = new HashSet<String>();
    var all = manifests();
    assertTrue(all.size() >= 15, "expected the whole deployment in k8s/, found " + all);
    for (var m : all) {
      assertFalse(m.apiVersion().isEmpty(), m + " has no apiVersion");
      assertFalse(m.kind().isEmpty(), m + " has no kind");
      assertFalse(m.name().isEmpty(), m + " has no metadata.name");
      assertTrue(m.name().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"), m + ": not a DNS-1123 name");
      assertEquals(KNOWN_KINDS.get(m.kind()), m.apiVersion(), m + ": unknown kind or wrong apiVersion");
      assertTrue(seen.add(m.kind() + "/" + m.name()), m + " is defined twice");
      if (m.kind().equals("Namespace")) {
        assertEquals(NAMESPACE, m.name());
      } else {
        assertEquals(NAMESPACE, m.doc().path("metadata").path("namespace").asText(), m + " is not in namespace " + NAMESPACE);
      }
    }
  }

  @Test
  void kustomizationAppliesEveryManifestButTheSecretsTemplate() {
    var kustomization = documents("kustomization.yaml").get(0);
    assertEquals("Kustomization", kustomization.kind());
    assertEquals(NAMESPACE, kustomization.doc().path("namespace").asText());
    var resources = new TreeSet<String>();
    kustomization.doc().path("resources").forEach(r -> resources.add(r.asText()));
    var expected = new TreeSet<>(k8sFiles());
    expected.remove("kustomization.yaml");
    // Applying the template would overwrite the real Secrets with placeholders.
    expected.remove("secrets.yaml");
    assertEquals(expected, resources);
  }

  @Test
  void workloadSelectorsMatchTheirPodLabelsAndServicesFindPods() {
    var workloads = new ArrayList<Manifest>(ofKind("Deployment"));
    workloads.addAll(ofKind("StatefulSet"));
    assertEquals(3, workloads.size(), "app, kyc and postgres workloads: " + workloads);
    for (var w : workloads) {
      var labels = w.doc().path("spec").path("template").path("metadata").path("labels");
      var matchLabels = w.doc().path("spec").path("selector").path("matchLabels");
      assertTrue(matchLabels.size() > 0, w + " selects nothing");
      matchLabels.fields().forEachRemaining(e ->
          assertEquals(e.getValue().asText(), labels.path(e.getKey()).asText(), w + ": selector " + e.getKey() + " does not match the pod labels"));
    }
    for (var service : ofKind("Service")) {
      var selector = service.doc().path("spec").path("selector");
      var target = workloads.stream().filter(w -> matches(selector, w)).toList();
      assertEquals(1, target.size(), service + " should select the pods of exactly one workload");
      var ports = namedPorts(onlyContainer(target.get(0)));
      for (var port : service.doc().path("spec").path("ports")) {
        var targetPort = port.path("targetPort");
        if (targetPort.isTextual()) {
          assertTrue(ports.containsKey(targetPort.asText()), service + " targets a port its pods do not name: " + targetPort);
        } else {
          int number = targetPort.isMissingNode() ? port.path("port").asInt() : targetPort.asInt();
          assertTrue(ports.containsValue(number), service + " targets port " + number + " its pods do not open");
        }
      }
    }
    for (var pdb : ofKind("PodDisruptionBudget")) {
      assertTrue(matches(pdb.doc().path("spec").path("selector").path("matchLabels"), APP.manifest()), pdb + " must cover the app pods");
    }
  }

  @Test
  void appAndKycPodsCarryTheLabelTheirDiscoveryLooksFor() {
    for (var service : SERVICES) {
      var config = service.config();
      assertTrue(config.getBoolean(service.root() + ".cluster.bootstrap"), service.deployment() + " must form its cluster by bootstrap");
      assertFalse(config.getBoolean(service.root() + ".cluster.join-self"), service.deployment() + " must not join itself");
      assertEquals("kubernetes-api", config.getString("akka.management.cluster.bootstrap.contact-point-discovery.discovery-method"));
      var selector = discoverySelector(config);
      var labels = service.manifest().doc().path("spec").path("template").path("metadata").path("labels");
      assertEquals(selector.getValue(), labels.path(selector.getKey()).asText(),
          service.deployment() + " pods must carry " + selector.getKey() + "=" + selector.getValue() + " for Kubernetes API discovery");
      int required = config.getInt("akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr");
      assertTrue(service.manifest().doc().path("spec").path("replicas").asInt() >= required,
          service.deployment() + ": fewer replicas than required contact points");
      // Remoting and management addresses are the pod IP, which other pods can reach.
      assertEquals(DeployFiles.POD_IP, config.getString("akka.remote.artery.canonical.hostname"));
      assertEquals(DeployFiles.POD_IP, config.getString("akka.management.http.hostname"));
    }
    // The app as the brief of the Deployment says: 2 contact points, and the KYC cluster apart from the app's.
    var app = APP.config();
    assertEquals("chatterbox-app", app.getString("akka.management.cluster.bootstrap.contact-point-discovery.service-name"));
    assertEquals(2, app.getInt("akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"));
    assertFalse(discoverySelector(app).equals(discoverySelector(KYC.config())), "app and KYC must discover separate clusters");
  }

  @Test
  void containerPortsAreTheConfiguredPorts() {
    for (var service : SERVICES) {
      var config = service.config();
      var ports = namedPorts(service.container());
      assertEquals(Map.of(
              "http", config.getInt(service.root() + ".http.port"),
              "remoting", config.getInt("akka.remote.artery.canonical.port"),
              "management", config.getInt("akka.management.http.port")),
          ports, service.deployment() + " container ports");
    }
    assertEquals(Map.of("http", 8080, "remoting", 25520, "management", 8558), namedPorts(APP.container()));
    assertEquals(8081, namedPorts(KYC.container()).get("http"));
    assertEquals(25530, namedPorts(KYC.container()).get("remoting"));
  }

  @Test
  void probesAskAkkaManagementsHealthChecks() {
    for (var service : SERVICES) {
      var config = service.config();
      var container = service.container();
      int management = config.getInt("akka.management.http.port");
      var ready = "/" + config.getString("akka.management.health-checks.readiness-path");
      var alive = "/" + config.getString("akka.management.health-checks.liveness-path");
      assertEquals("/ready", ready);
      assertEquals("/alive", alive);
      assertProbe(container, "readinessProbe", ready, management);
      assertProbe(container, "livenessProbe", alive, management);
      assertProbe(container, "startupProbe", alive, management);
      // The readiness check that matters (member Up) comes with akka-management-cluster-http.
      assertTrue(config.hasPath("akka.management.health-checks.readiness-checks.cluster-membership"),
          "cluster membership readiness check missing from the classpath");
    }
  }

  private static void assertProbe(JsonNode container, String probe, String path, int port) {
    var get = container.path(probe).path("httpGet");
    assertFalse(get.isMissingNode(), probe + " must be an HTTP GET");
    assertEquals(path, get.path("path").asText(), probe + " path");
    var p = get.path("port");
    int number = p.isTextual() ? namedPorts(container).getOrDefault(p.asText(), -1) : p.asInt();
    assertEquals(port, number, probe + " must ask the management port");
  }

  @Test
  void everyEnvironmentVariableIsOneTheServiceReads() {
    var known = new HashSet<String>();
    known.addAll(DeployFiles.variablesOf("chatterbox.conf"));
    known.addAll(DeployFiles.variablesOf("kyc.conf"));
    known.addAll(KnownVariables.READ_BY_CODE);
    for (var service : SERVICES) {
      for (var name : env(service.container()).keySet()) {
        assertTrue(known.contains(name) || KnownVariables.JVM.contains(name),
            service.deployment() + " sets " + name + ", which neither " + service.resource() + " nor the code reads");
      }
    }
    // PostgreSQL: the image's own variables, and the two the init script reads.
    var postgres = object("StatefulSet", "postgres");
    var script = initScript();
    var scriptVariables = new HashSet<String>();
    var m = Pattern.compile("\\$\\{?([A-Z_][A-Z0-9_]*)").matcher(script);
    while (m.find()) scriptVariables.add(m.group(1));
    var postgresEnv = env(onlyContainer(postgres)).keySet();
    for (var name : postgresEnv) {
      assertTrue(KnownVariables.POSTGRES_IMAGE.contains(name) || scriptVariables.contains(name),
          "postgres sets " + name + ", which neither the image nor the init script reads");
    }
    for (var name : scriptVariables) {
      assertTrue(postgresEnv.contains(name) || KnownVariables.POSTGRES_IMAGE.contains(name),
          "the init script reads " + name + ", which the StatefulSet does not set");
    }
  }

  @Test
  void everySecretKeyRefNamesAKeyOfTheSecretTemplate() {
    var template = secretTemplate();
    var used = new HashMap<String, Set<String>>();
    var workloads = new ArrayList<Manifest>(ofKind("Deployment"));
    workloads.addAll(ofKind("StatefulSet"));
    for (var w : workloads) {
      for (var container : containers(w.doc())) {
        for (var e : container.path("env")) {
          var ref = e.path("valueFrom").path("secretKeyRef");
          if (ref.isMissingNode()) continue;
          var name = ref.path("name").asText();
          var key = ref.path("key").asText();
          assertTrue(template.containsKey(name), w + " reads Secret " + name + ", which k8s/secrets.yaml does not define");
          assertTrue(template.get(name).contains(key), w + " reads key " + key + " of Secret " + name + ", which it does not have");
          used.computeIfAbsent(name, n -> new HashSet<>()).add(key);
        }
      }
    }
    assertEquals(template, used, "every Secret key in the template is used, and only those");

    // The secrets the services check are never literal values in a manifest.
    for (var service : SERVICES) {
      var literal = new HashSet<String>();
      service.container().path("env").forEach(e -> { if (e.has("value")) literal.add(e.path("name").asText()); });
      for (var secret : List.of("CHATTERBOX_PIN_KEY", "CHATTERBOX_TOKEN_SECRET", "CHATTERBOX_OPERATOR_TOKEN",
          "CHATTERBOX_KYC_TOKEN", "CHATTERBOX_DB_PASSWORD", "KYC_MASTER_KEY", "KYC_SERVICE_TOKEN", "KYC_DB_PASSWORD")) {
        assertFalse(literal.contains(secret), service.deployment() + " sets " + secret + " in clear");
      }
    }
    // The app presents the very token KYC checks.
    assertEquals(secretRef(APP.container(), "CHATTERBOX_KYC_TOKEN"), secretRef(KYC.container(), "KYC_SERVICE_TOKEN"));
    // Every secret the app checks in production comes from a Secret.
    var appEnv = env(APP.container());
    var config = APP.config();
    for (var key : config.getConfig("chatterbox.secrets").root().keySet()) {
      var value = config.getString("chatterbox.secrets." + key);
      assertTrue(value.startsWith("secret:"), "chatterbox.secrets." + key + " does not come from a Secret: " + appEnv);
    }
    var kyc = KYC.config();
    for (var key : kyc.getConfig("kyc.secrets").root().keySet()) {
      assertTrue(kyc.getString("kyc.secrets." + key).startsWith("secret:"), "kyc.secrets." + key + " does not come from a Secret");
    }
  }

  @Test
  void theSecretTemplateHoldsPlaceholdersThatProductionRefuses() {
    for (var secret : ofKind("Secret")) {
      var data = secret.doc().path("stringData");
      assertTrue(data.size() > 0, secret + " has no stringData");
      assertTrue(secret.doc().path("data").isMissingNode(), secret + ": keep the template readable (stringData)");
      data.fields().forEachRemaining(e -> {
        assertTrue(e.getValue().asText().startsWith("REPLACE_ME"), secret + "/" + e.getKey() + " must be a placeholder");
        // A placeholder must never pass for a real secret.
        var block = ConfigFactory.parseMap(Map.of(e.getKey(), e.getValue().asText()));
        try {
          Secrets.checkForProduction(block, "placeholder", true);
          fail(secret + "/" + e.getKey() + ": the placeholder would pass the production checks");
        } catch (IllegalStateException expected) {
          // refused, as it must be
        }
      });
    }
  }

  @Test
  void theReadmeCreatesEverySecretTheManifestsRead() {
    var template = secretTemplate();
    for (var source : List.of("k8s/README.md", "k8s/secrets.yaml")) {
      var created = createdSecrets(DeployFiles.read(source));
      assertEquals(template, created, source + ": its `kubectl create secret` commands must create the template's keys");
    }
  }

  /** Secret name to the keys the `kubectl create secret generic NAME --from-literal=KEY=...` commands in {@code text} create. */
  private static Map<String, Set<String>> createdSecrets(String text) {
    var created = new HashMap<String, Set<String>>();
    var joined = text.replaceAll("\\\\\\s*\\n\\s*#?", " ");
    var command = Pattern.compile("create secret generic\\s+([a-z0-9-]+)([^\\n]*)").matcher(joined);
    while (command.find()) {
      var keys = new HashSet<String>();
      var literal = Pattern.compile("--from-literal=([A-Za-z0-9._-]+)=").matcher(command.group(2));
      while (literal.find()) keys.add(literal.group(1));
      created.computeIfAbsent(command.group(1), n -> new HashSet<>()).addAll(keys);
    }
    return created;
  }

  @Test
  void rbacLetsEachBootstrappingDeploymentReadPods() {
    for (var service : SERVICES) {
      var account = service.manifest().doc().path("spec").path("template").path("spec").path("serviceAccountName").asText();
      assertFalse(account.isEmpty(), service.deployment() + " has no serviceAccountName");
      object("ServiceAccount", account);
      var granted = new HashSet<String>();
      for (var binding : ofKind("RoleBinding")) {
        boolean boundToAccount = false;
        for (var subject : binding.doc().path("subjects")) {
          boundToAccount |= subject.path("kind").asText().equals("ServiceAccount") && subject.path("name").asText().equals(account)
              && subject.path("namespace").asText(NAMESPACE).equals(NAMESPACE);
        }
        if (!boundToAccount) continue;
        var roleRef = binding.doc().path("roleRef");
        assertEquals("Role", roleRef.path("kind").asText(), binding + ": a namespaced Role, not cluster-wide rights");
        assertEquals("rbac.authorization.k8s.io", roleRef.path("apiGroup").asText());
        var role = object("Role", roleRef.path("name").asText());
        for (var rule : role.doc().path("rules")) {
          if (contains(rule.path("apiGroups"), "") && contains(rule.path("resources"), "pods")) {
            rule.path("verbs").forEach(v -> granted.add(v.asText()));
          }
        }
      }
      assertTrue(granted.containsAll(Set.of("get", "watch", "list")),
          service.deployment() + "'s service account " + account + " may not get/watch/list pods: " + granted);
      assertTrue(Set.of("get", "watch", "list").containsAll(granted), "only read access to pods: " + granted);
    }
  }

  @Test
  void theAutoscalerScalesTheAppDeploymentOnCpu() {
    var hpas = ofKind("HorizontalPodAutoscaler");
    assertEquals(1, hpas.size());
    var spec = hpas.get(0).doc().path("spec");
    var target = spec.path("scaleTargetRef");
    assertEquals("apps/v1", target.path("apiVersion").asText());
    assertEquals("Deployment", target.path("kind").asText());
    assertEquals(APP.deployment(), target.path("name").asText());
    int min = spec.path("minReplicas").asInt();
    // keep-majority survives one lost node only with 3 or more; bootstrap needs its contact points.
    assertTrue(min >= 3, "minReplicas " + min);
    assertTrue(min >= APP.config().getInt("akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"));
    assertTrue(spec.path("maxReplicas").asInt() > min);
    assertEquals(APP.manifest().doc().path("spec").path("replicas").asInt(), min, "the Deployment starts at the autoscaler's minimum");
    boolean cpu = false;
    for (var metric : spec.path("metrics")) {
      cpu |= metric.path("type").asText().equals("Resource") && metric.path("resource").path("name").asText().equals("cpu");
    }
    assertTrue(cpu, "the autoscaler must scale on CPU");
    // Scaling down removes one member at a time: each leaving node hands its shards off first.
    for (var policy : spec.path("behavior").path("scaleDown").path("policies")) {
      assertEquals("Pods", policy.path("type").asText());
      assertEquals(1, policy.path("value").asInt());
    }
  }

  @Test
  void everyContainerHasResourceRequestsAndLimits() {
    var workloads = new ArrayList<Manifest>(ofKind("Deployment"));
    workloads.addAll(ofKind("StatefulSet"));
    for (var w : workloads) {
      for (var container : containers(w.doc())) {
        var resources = container.path("resources");
        for (var bound : List.of("requests", "limits")) {
          for (var resource : List.of("cpu", "memory")) {
            assertFalse(resources.path(bound).path(resource).asText().isEmpty(), w + ": no " + bound + "." + resource);
          }
        }
        assertTrue(bytes(resources.path("limits").path("memory").asText()) >= bytes(resources.path("requests").path("memory").asText()),
            w + ": memory limit below request");
      }
    }
    // The heap is a share of the limit (MaxRAMPercentage): the app needs a real one.
    assertTrue(bytes(APP.container().path("resources").path("limits").path("memory").asText()) >= 512L * 1024 * 1024);
  }

  private static long bytes(String quantity) {
    var m = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?").matcher(quantity);
    assertTrue(m.matches(), "memory quantity " + quantity);
    long n = Long.parseLong(m.group(1));
    var unit = m.group(2) == null ? "" : m.group(2);
    return n * switch (unit) {
      case "Ki" -> 1L << 10; case "Mi" -> 1L << 20; case "Gi" -> 1L << 30; case "Ti" -> 1L << 40;
      case "k" -> 1_000L; case "M" -> 1_000_000L; case "G" -> 1_000_000_000L; case "T" -> 1_000_000_000_000L;
      default -> 1L;
    };
  }

  @Test
  void rollingUpdatesReplaceOneMemberAtATimeAndLeaveGracefully() {
    for (var service : SERVICES) {
      var spec = service.manifest().doc().path("spec");
      assertEquals("RollingUpdate", spec.path("strategy").path("type").asText());
      assertEquals(0, spec.path("strategy").path("rollingUpdate").path("maxUnavailable").asInt(-1), service.deployment());
      assertEquals(1, spec.path("strategy").path("rollingUpdate").path("maxSurge").asInt(-1), service.deployment());

      // SIGTERM must leave time for the preStop pause and the coordinated shutdown phases that hand
      // shards off and leave the cluster, before the kubelet kills the process.
      var config = service.config();
      var phases = config.getConfig("akka.coordinated-shutdown.phases");
      long defaultTimeout = config.getDuration("akka.coordinated-shutdown.default-phase-timeout").toSeconds();
      long shutdown = 0;
      for (var phase : List.of("service-unbind", "cluster-sharding-shutdown-region", "cluster-leave", "cluster-exiting")) {
        shutdown += phases.hasPath(phase + ".timeout") ? phases.getDuration(phase + ".timeout").toSeconds() : defaultTimeout;
      }
      long preStop = preStopSleepSeconds(service.container());
      long grace = spec.path("template").path("spec").path("terminationGracePeriodSeconds").asLong(30);
      assertTrue(grace >= preStop + shutdown,
          service.deployment() + ": terminationGracePeriodSeconds " + grace + " < preStop " + preStop + " s + shutdown " + shutdown + " s");
      assertTrue(config.getBoolean("akka.coordinated-shutdown.run-by-jvm-shutdown-hook"), "SIGTERM must run coordinated shutdown");
    }
  }

  private static long preStopSleepSeconds(JsonNode container) {
    var command = String.join(" ", texts(container.path("lifecycle").path("preStop").path("exec").path("command")));
    var m = Pattern.compile("sleep (\\d+)").matcher(command);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  @Test
  void podsRunAsNonRootFromTheImagesUser() {
    for (var service : SERVICES) {
      var pod = service.manifest().doc().path("spec").path("template").path("spec");
      assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), service.deployment() + ": runAsNonRoot");
      assertTrue(pod.path("securityContext").path("runAsUser").asInt() > 0);
      assertFalse(service.container().path("securityContext").path("allowPrivilegeEscalation").asBoolean(true));
    }
  }

  @Test
  void theOverlaysAreTheConfigMapsTheServicesLoad() {
    // The app's ConfigMap is conf/production.conf, nothing more, nothing less.
    var appOverlay = overlay(APP.manifest(), APP.overlayVariable());
    var production = ConfigFactory.parseFile(DeployFiles.file("conf/production.conf").toFile());
    assertEquals(production.resolve().root().unwrapped(), appOverlay.resolve().root().unwrapped(),
        "k8s/config.yaml's production.conf must equal conf/production.conf");

    // The same for KYC and conf/kyc-production.conf.
    var kycOverlay = overlay(KYC.manifest(), KYC.overlayVariable());
    var kycProduction = ConfigFactory.parseFile(DeployFiles.file("conf/kyc-production.conf").toFile());
    assertEquals(kycProduction.resolve().root().unwrapped(), kycOverlay.resolve().root().unwrapped(),
        "k8s/config.yaml's kyc-production.conf must equal conf/kyc-production.conf");
    // Every key an overlay sets is one the service (or a library) knows.
    var kycDefaults = effectiveConfig("kyc.conf", ConfigFactory.empty(), Map.of());
    for (var entry : kycOverlay.entrySet()) {
      assertTrue(kycDefaults.hasPath(entry.getKey()), "the KYC overlay sets unknown key " + entry.getKey());
    }
    var appDefaults = effectiveConfig("chatterbox.conf", ConfigFactory.empty(), Map.of());
    for (var entry : appOverlay.entrySet()) {
      assertTrue(appDefaults.hasPath(entry.getKey()), "the app overlay sets unknown key " + entry.getKey());
    }
    // Both run in production mode, which refuses development secrets and the embedded store.
    assertEquals("production", APP.config().getString("chatterbox.env"));
    assertEquals("production", KYC.config().getString("kyc.env"));
  }

  @Test
  void theServicesUseTheInClusterDatabaseAndEachOther() {
    var postgres = object("StatefulSet", "postgres");
    var spec = postgres.doc().path("spec");
    var serviceName = spec.path("serviceName").asText();
    var service = object("Service", serviceName);
    assertEquals("None", service.doc().path("spec").path("clusterIP").asText(), "the governing Service is headless");
    int port = namedPorts(onlyContainer(postgres)).get("postgres");
    // Data on a claim from volumeClaimTemplates, mounted where PostgreSQL keeps it.
    var claim = spec.path("volumeClaimTemplates").path(0).path("metadata").path("name").asText();
    assertFalse(claim.isEmpty(), "postgres needs volumeClaimTemplates");
    boolean mounted = false;
    for (var mount : onlyContainer(postgres).path("volumeMounts")) {
      mounted |= mount.path("name").asText().equals(claim) && mount.path("mountPath").asText().equals("/var/lib/postgresql/data");
    }
    assertTrue(mounted, "the claim must hold /var/lib/postgresql/data");

    var script = initScript();
    for (var s : SERVICES) {
      var db = s.config().getConfig(s.root() + ".db");
      var url = db.getString("url");
      var m = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/([A-Za-z0-9_]+)").matcher(url);
      assertTrue(m.matches(), s.deployment() + " must use PostgreSQL: " + url);
      assertEquals(serviceName, m.group(1), s.deployment() + " database host");
      assertEquals(port, Integer.parseInt(m.group(2)));
      var user = db.getString("user");
      assertTrue(script.contains("CREATE ROLE " + user + " LOGIN"), "the init script must create role " + user);
      assertTrue(script.contains("CREATE DATABASE " + m.group(3) + " OWNER " + user), "the init script must create database " + m.group(3));
    }
    // Personal data apart: KYC's database is not the app's.
    assertFalse(APP.config().getString("chatterbox.db.url").equals(KYC.config().getString("kyc.db.url")));

    // The app reaches KYC through its Service, on the port KYC serves.
    var kycUrl = APP.config().getString("chatterbox.kyc.url");
    var kycService = object("Service", "chatterbox-kyc");
    var kycPort = kycService.doc().path("spec").path("ports").path(0).path("port").asInt();
    assertEquals("http://chatterbox-kyc:" + kycPort, kycUrl);
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** The overlay file named by {@code variable}, read from the ConfigMap mounted where it points. */
  static Config overlay(Manifest deployment, String variable) {
    var container = onlyContainer(deployment);
    var path = env(container).get(variable);
    assertNotNull(path, deployment + " does not set " + variable);
    for (var mount : container.path("volumeMounts")) {
      var dir = mount.path("mountPath").asText();
      if (!path.startsWith(dir + "/")) continue;
      var key = path.substring(dir.length() + 1);
      for (var volume : deployment.doc().path("spec").path("template").path("spec").path("volumes")) {
        if (!volume.path("name").asText().equals(mount.path("name").asText())) continue;
        var configMap = object("ConfigMap", volume.path("configMap").path("name").asText());
        var text = configMap.doc().path("data").path(key);
        assertTrue(text.isTextual(), "ConfigMap " + configMap.name() + " has no key " + key);
        return ConfigFactory.parseString(text.asText());
      }
    }
    return fail(deployment + ": " + variable + "=" + path + " is not in a mounted ConfigMap");
  }

  private static String initScript() {
    var configMap = object("ConfigMap", "postgres-init");
    var scripts = new StringBuilder();
    configMap.doc().path("data").forEach(v -> scripts.append(v.asText()).append('\n'));
    // And it is what the StatefulSet mounts where the image runs init scripts from.
    var postgres = object("StatefulSet", "postgres");
    boolean mounted = false;
    for (var mount : onlyContainer(postgres).path("volumeMounts")) {
      if (!mount.path("mountPath").asText().equals("/docker-entrypoint-initdb.d")) continue;
      for (var volume : postgres.doc().path("spec").path("template").path("spec").path("volumes")) {
        mounted |= volume.path("name").asText().equals(mount.path("name").asText())
            && volume.path("configMap").path("name").asText().equals("postgres-init");
      }
    }
    assertTrue(mounted, "postgres must mount postgres-init at /docker-entrypoint-initdb.d");
    return scripts.toString();
  }

  /** Secret name to its keys, from k8s/secrets.yaml. */
  private static Map<String, Set<String>> secretTemplate() {
    var template = new HashMap<String, Set<String>>();
    for (var secret : documents("secrets.yaml")) {
      assertEquals("Secret", secret.kind(), "k8s/secrets.yaml holds only Secrets");
      var keys = new HashSet<String>();
      secret.doc().path("stringData").fieldNames().forEachRemaining(keys::add);
      secret.doc().path("data").fieldNames().forEachRemaining(keys::add);
      template.put(secret.name(), keys);
    }
    assertFalse(template.isEmpty());
    return template;
  }

  private static String secretRef(JsonNode container, String variable) {
    for (var e : container.path("env")) {
      if (e.path("name").asText().equals(variable)) {
        var ref = e.path("valueFrom").path("secretKeyRef");
        assertFalse(ref.isMissingNode(), variable + " must come from a Secret");
        return ref.path("name").asText() + "/" + ref.path("key").asText();
      }
    }
    return fail(variable + " is not set");
  }

  private static boolean matches(JsonNode selector, Manifest workload) {
    if (selector.size() == 0) return false;
    var labels = workload.doc().path("spec").path("template").path("metadata").path("labels");
    var it = selector.fields();
    while (it.hasNext()) {
      var e = it.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText())) return false;
    }
    return true;
  }

  private static boolean contains(JsonNode array, String value) {
    for (var item : array) if (item.asText().equals(value)) return true;
    return false;
  }

  private static List<String> texts(JsonNode array) {
    var list = new ArrayList<String>();
    array.forEach(n -> list.add(n.asText()));
    return list;
  }
}
