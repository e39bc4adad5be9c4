package chatterbox.deploy;

import chatterbox.ChatterBoxApp;
import chatterbox.platform.config.Secrets;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static chatterbox.deploy.DeployFiles.compose;
import static chatterbox.deploy.DeployFiles.composeEnv;
import static chatterbox.deploy.DeployFiles.composeMounts;
import static chatterbox.deploy.DeployFiles.effectiveConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docker-compose.yml, conf/compose-app.conf, conf/compose-kyc.conf and conf/nginx.conf: three app
 * nodes that form one cluster by config discovery, behind a sticky, WebSocket-aware proxy.
 */
class ComposeTest {

  private static final Pattern APP_SERVICE = Pattern.compile("app\\d+");

  private static JsonNode services() {
    var services = compose().path("services");
    assertTrue(services.isObject(), "docker-compose.yml has no services");
    return services;
  }

  private static List<String> appServices() {
    var names = new ArrayList<String>();
    services().fieldNames().forEachRemaining(n -> { if (APP_SERVICE.matcher(n).matches()) names.add(n); });
    return names;
  }

  private static JsonNode service(String name) {
    var s = services().path(name);
    assertTrue(s.isObject(), "docker-compose.yml has no service " + name);
    return s;
  }

  /** The overlay a compose service loads: the file its CONFIG_FILE variable names, as mounted from conf/. */
  private static Config overlay(String service, String variable) {
    var path = composeEnv(service(service)).get(variable);
    assertNotNull(path, service + " does not set " + variable);
    var source = composeMounts(service(service)).get(path);
    assertNotNull(source, service + ": " + variable + "=" + path + " is not a mounted file");
    assertTrue(source.startsWith("./conf/"), service + " mounts its overlay from conf/: " + source);
    var file = DeployFiles.file(source.substring(2)).toFile();
    // An include in the overlay must find its file beside it in the container too.
    for (var line : DeployFiles.read(source.substring(2)).lines().toList()) {
      var m = Pattern.compile("include\\s+(?:required\\()?\"([^\"]+)\"").matcher(line);
      if (m.find()) {
        var included = path.substring(0, path.lastIndexOf('/') + 1) + m.group(1);
        assertTrue(composeMounts(service(service)).containsKey(included) || imageHolds(service, included),
            service + ": the overlay includes " + included + ", which the container does not have");
      }
    }
    return ConfigFactory.parseFile(file);
  }

  /** Whether the service's image copies {@code path} (the Dockerfile's COPY destination). */
  private static boolean imageHolds(String service, String path) {
    var dockerfile = service(service).path("build").path("dockerfile").asText();
    if (dockerfile.isEmpty()) return false;
    var fileName = path.substring(path.lastIndexOf('/') + 1);
    return DockerfilesTest.instructions(dockerfile).stream()
        .anyMatch(i -> i.keyword().equals("COPY") && i.args().contains("conf/" + fileName) && i.args().endsWith(path.substring(0, path.lastIndexOf('/') + 1)));
  }

  private static Config appConfig(String service) {
    return effectiveConfig("chatterbox.conf", overlay(service, "CHATTERBOX_CONFIG_FILE"), composeEnv(service(service)));
  }

  private static Config kycConfig() {
    return effectiveConfig("kyc.conf", overlay("kyc", "KYC_CONFIG_FILE"), composeEnv(service("kyc")));
  }

  @Test
  void threeAppNodesEachNamedByItsRemotingHost() {
    assertEquals(List.of("app1", "app2", "app3"), appServices());
    for (var name : List.of("postgres", "kyc", "proxy")) service(name);
    for (var app : appServices()) {
      var env = composeEnv(service(app));
      assertEquals(app, env.get("CHATTERBOX_REMOTE_HOST"), app + ": CHATTERBOX_REMOTE_HOST must be its service name");
      var config = appConfig(app);
      assertEquals(app, config.getString("akka.remote.artery.canonical.hostname"));
      assertEquals(app, config.getString("akka.management.http.hostname"), app + ": the other nodes probe this address");
      assertEquals(app, service(app).path("hostname").asText(app));
    }
  }

  @Test
  void theAppNodesDifferOnlyInTheirName() {
    var first = appServices().get(0);
    var reference = new HashMap<>(composeEnv(service(first)));
    reference.remove("CHATTERBOX_REMOTE_HOST");
    for (var app : appServices()) {
      var env = new HashMap<>(composeEnv(service(app)));
      env.remove("CHATTERBOX_REMOTE_HOST");
      assertEquals(reference, env, app + "'s environment differs from " + first + "'s");
      assertEquals(composeMounts(service(first)), composeMounts(service(app)));
      assertEquals(service(first).path("image").asText(), service(app).path("image").asText());
    }
  }

  @Test
  void configDiscoveryListsExactlyTheAppNodesOnTheManagementPort() {
    for (var app : appServices()) {
      var config = appConfig(app);
      assertTrue(config.getBoolean("chatterbox.cluster.bootstrap"), app + " must form the cluster by bootstrap");
      assertFalse(config.getBoolean("chatterbox.cluster.join-self"), app + " must not join itself");
      var discovery = "akka.management.cluster.bootstrap.contact-point-discovery";
      assertEquals("config", config.getString(discovery + ".discovery-method"));
      assertEquals(2, config.getInt(discovery + ".required-contact-point-nr"));
      var serviceName = config.getString(discovery + ".service-name");
      assertEquals("chatterbox-app", serviceName);
      int management = config.getInt("akka.management.http.port");
      var endpoints = new TreeSet<String>();
      for (var endpoint : config.getConfigList("akka.discovery.config.services." + serviceName + ".endpoints")) {
        endpoints.add(endpoint.getString("host") + ":" + endpoint.getInt("port"));
      }
      var expected = new TreeSet<String>();
      appServices().forEach(s -> expected.add(s + ":" + management));
      assertEquals(expected, endpoints, "config discovery endpoints");
      assertTrue(appServices().size() >= config.getInt(discovery + ".required-contact-point-nr"));
      assertEquals("production", config.getString("chatterbox.env"));
      assertEquals("0", config.getString("chatterbox.money.signup-grant"));
    }
  }

  @Test
  void theOverlayCombinesWithTheAppConfiguration() {
    var overlay = ConfigFactory.parseFile(DeployFiles.file("conf/compose-app.conf").toFile());
    // It includes the production overlay rather than copying it.
    var production = ConfigFactory.parseFile(DeployFiles.file("conf/production.conf").toFile());
    for (var entry : production.entrySet()) {
      assertEquals(entry.getValue().unwrapped(), overlay.getValue(entry.getKey()).unwrapped(), "compose-app.conf drops " + entry.getKey());
    }
    var config = ChatterBoxApp.config(overlay.root().unwrapped());
    assertEquals("production", config.getString("chatterbox.env"));
    assertTrue(config.getBoolean("chatterbox.cluster.bootstrap"));
    assertEquals(3, config.getConfigList("akka.discovery.config.services.chatterbox-app.endpoints").size());
    // Only keys the app or its libraries know, besides the discovery's list of services.
    var defaults = ChatterBoxApp.config(Map.of());
    for (var entry : overlay.entrySet()) {
      if (entry.getKey().startsWith("akka.discovery.config.services.")) continue;
      assertTrue(defaults.hasPath(entry.getKey()), "conf/compose-app.conf sets unknown key " + entry.getKey());
    }
  }

  @Test
  void composeSecretsPassTheProductionChecksAndAgree() {
    for (var app : appServices()) {
      var config = appConfig(app);
      // The services' own check, as on start.
      Secrets.checkForProduction(config.getConfig("chatterbox.secrets"), "chatterbox.secrets", true);
      for (var entry : config.getConfig("chatterbox.secrets").entrySet()) {
        var value = entry.getValue().unwrapped().toString();
        assertTrue(value.length() >= 32 && !value.startsWith(Secrets.DEV_PREFIX), app + ": " + entry.getKey());
        assertTrue(value.contains("compose-only"), app + ": " + entry.getKey() + " must look fake (compose-only)");
      }
      assertTrue(config.getString("chatterbox.db.url").startsWith("jdbc:postgresql://postgres:5432/"), app + " must use the postgres service");
    }
    var kyc = kycConfig();
    Secrets.checkForProduction(kyc.getConfig("kyc.secrets"), "kyc.secrets", true);
    var masterKey = kyc.getString("kyc.secrets.master-key");
    byte[] key;
    try {
      key = Base64.getDecoder().decode(masterKey);
    } catch (IllegalArgumentException e) {
      key = new byte[0];
    }
    assertEquals(32, key.length, "KYC_MASTER_KEY must be base64 of 32 bytes");
    assertTrue(new String(key).contains("compose-only"), "the compose master key must look fake");
    assertTrue(kyc.getString("kyc.secrets.service-token").contains("compose-only"));
    assertEquals("production", kyc.getString("kyc.env"));

    // The app presents the token KYC checks; both log in to the database postgres creates.
    var app = appConfig(appServices().get(0));
    assertEquals(kyc.getString("kyc.secrets.service-token"), app.getString("chatterbox.secrets.kyc-token"));
    var postgres = composeEnv(service("postgres"));
    for (var db : List.of(app.getConfig("chatterbox.db"), kyc.getConfig("kyc.db"))) {
      assertEquals(postgres.get("POSTGRES_USER"), db.getString("user"));
      assertEquals(postgres.get("POSTGRES_PASSWORD"), db.getString("password"));
      assertEquals("jdbc:postgresql://postgres:5432/" + postgres.get("POSTGRES_DB"), db.getString("url"));
    }
    // Same database, so separate schemas.
    assertFalse(app.getString("chatterbox.db.schema").equals(kyc.getString("kyc.db.schema")));
    // The app finds KYC by its service name and port.
    assertEquals("http://kyc:" + kyc.getInt("kyc.http.port"), app.getString("chatterbox.kyc.url"));
  }

  @Test
  void theKycContainerFormsAClusterOfItsOwnByBootstrap() {
    var kyc = kycConfig();
    assertTrue(kyc.getBoolean("kyc.cluster.bootstrap"), "the KYC container would never join a cluster");
    assertFalse(kyc.getBoolean("kyc.cluster.join-self"));
    var discovery = "akka.management.cluster.bootstrap.contact-point-discovery";
    assertEquals("config", kyc.getString(discovery + ".discovery-method"));
    var serviceName = kyc.getString(discovery + ".service-name");
    assertFalse(serviceName.equals(appConfig("app1").getString(discovery + ".service-name")), "KYC must not join the app's cluster");
    var endpoints = new TreeSet<String>();
    for (var endpoint : kyc.getConfigList("akka.discovery.config.services." + serviceName + ".endpoints")) {
      endpoints.add(endpoint.getString("host") + ":" + endpoint.getInt("port"));
    }
    int management = kyc.getInt("akka.management.http.port");
    assertEquals(new TreeSet<>(List.of("kyc:" + management)), endpoints, "KYC config discovery endpoints");
    assertEquals(1, kyc.getInt(discovery + ".required-contact-point-nr"));
    assertEquals("kyc", kyc.getString("akka.remote.artery.canonical.hostname"));
    assertEquals("kyc", kyc.getString("akka.management.http.hostname"));
    assertTrue(service("kyc").path("deploy").path("replicas").asInt(1) == 1 && service("kyc").path("scale").asInt(1) == 1,
        "one KYC container: it is the only contact point");
    var test = String.join(" ", texts(service("kyc").path("healthcheck").path("test")));
    assertTrue(test.contains(":" + management + "/ready"), "the KYC healthcheck must ask /ready on its management port: " + test);
  }

  @Test
  void everyEnvironmentVariableIsOneTheServiceReads() {
    var app = DeployFiles.variablesOf("chatterbox.conf");
    var kyc = DeployFiles.variablesOf("kyc.conf");
    for (var name : appServices()) {
      for (var variable : composeEnv(service(name)).keySet()) {
        assertTrue(app.contains(variable) || KnownVariables.READ_BY_CODE.contains(variable) || KnownVariables.JVM.contains(variable),
            name + " sets " + variable + ", which chatterbox.conf does not read");
      }
    }
    for (var variable : composeEnv(service("kyc")).keySet()) {
      assertTrue(kyc.contains(variable) || KnownVariables.READ_BY_CODE.contains(variable) || KnownVariables.JVM.contains(variable),
          "kyc sets " + variable + ", which kyc.conf does not read");
    }
    for (var variable : composeEnv(service("postgres")).keySet()) {
      assertTrue(KnownVariables.POSTGRES_IMAGE.contains(variable), "postgres sets " + variable + ", which the image does not read");
    }
  }

  @Test
  void startupOrderFollowsHealthchecks() {
    var postgres = service("postgres");
    assertFalse(postgres.path("healthcheck").path("test").isMissingNode(), "postgres needs a healthcheck");
    assertTrue(composeMounts(postgres).containsKey("/var/lib/postgresql/data"), "postgres keeps its data on a volume");
    var volume = composeMounts(postgres).get("/var/lib/postgresql/data");
    assertTrue(compose().path("volumes").has(volume), "the named volume " + volume + " is declared");
    assertEquals("service_healthy", service("kyc").path("depends_on").path("postgres").path("condition").asText());
    for (var app : appServices()) {
      var s = service(app);
      assertEquals("service_healthy", s.path("depends_on").path("postgres").path("condition").asText(), app);
      assertEquals("service_healthy", s.path("depends_on").path("kyc").path("condition").asText(), app);
      var test = String.join(" ", texts(s.path("healthcheck").path("test")));
      int management = appConfig(app).getInt("akka.management.http.port");
      assertTrue(test.contains(":" + management + "/ready"), app + "'s healthcheck must ask /ready on the management port: " + test);
      // Coordinated shutdown needs longer than compose's default 10 s.
      assertTrue(seconds(s.path("stop_grace_period").asText("10s")) >= 30, app + ": stop_grace_period");
    }
    // Every bind mount's source exists.
    services().fields().forEachRemaining(e -> composeMounts(e.getValue()).values().forEach(source -> {
      if (source.startsWith("./")) assertTrue(Files.exists(DeployFiles.root().resolve(source.substring(2))), e.getKey() + " mounts missing " + source);
    }));
  }

  @Test
  void theImagesAreBuiltFromTheDockerfiles() {
    for (var name : List.of("kyc", "app1", "app2", "app3")) {
      var build = service(name).path("build");
      assertEquals(".", build.path("context").asText(), name + ": the build context is the repository root");
      var dockerfile = build.path("dockerfile").asText();
      assertTrue(new File(DeployFiles.root().toFile(), dockerfile).isFile(), name + ": no " + dockerfile);
    }
    assertEquals("app/Dockerfile", service("app1").path("build").path("dockerfile").asText());
    assertEquals("kyc/Dockerfile", service("kyc").path("build").path("dockerfile").asText());
    assertTrue(service("postgres").path("image").asText().startsWith("postgres:15"));
  }

  @Test
  void theProxyBalancesStickilyOverTheAppNodesAndUpgradesTheGateway() {
    var proxy = service("proxy");
    assertEquals("./conf/nginx.conf", composeMounts(proxy).get("/etc/nginx/nginx.conf"), "the proxy must load conf/nginx.conf");
    var nginx = NginxConf.parse(DeployFiles.read("conf/nginx.conf"));
    var http = nginx.all("http");
    assertEquals(1, http.size());

    // One upstream: the three app nodes on their HTTP port, sticky by client address.
    var upstreams = http.get(0).all("upstream");
    assertEquals(1, upstreams.size(), "one upstream of app nodes");
    var upstream = upstreams.get(0);
    int httpPort = appConfig("app1").getInt("chatterbox.http.port");
    var servers = new TreeSet<String>();
    upstream.all("server").forEach(s -> servers.add(s.args().get(0)));
    var expected = new TreeSet<String>();
    appServices().forEach(a -> expected.add(a + ":" + httpPort));
    assertEquals(expected, servers, "upstream servers");
    assertFalse(upstream.all("ip_hash").isEmpty(), "ip_hash: RESUME must land on the node that holds the session");

    // The proxy listens where compose publishes it.
    var server = http.get(0).all("server");
    assertEquals(1, server.size());
    var listen = server.get(0).all("listen").get(0).args().get(0);
    var published = new HashSet<String>();
    proxy.path("ports").forEach(p -> published.add(p.asText()));
    assertTrue(published.contains("8080:" + listen), "compose must publish 8080 to nginx's " + listen + ": " + published);

    // /gateway: HTTP/1.1 with the Upgrade and Connection headers passed on, to the upstream.
    var gateway = server.get(0).all("location").stream()
        .filter(l -> l.args().get(l.args().size() - 1).equals("/gateway")).findFirst()
        .orElseGet(() -> fail("no location for /gateway"));
    assertEquals(List.of("http://" + upstream.args().get(0)), gateway.all("proxy_pass").get(0).args());
    assertEquals(List.of("1.1"), gateway.all("proxy_http_version").get(0).args());
    var headers = new HashMap<String, String>();
    gateway.all("proxy_set_header").forEach(h -> headers.put(h.args().get(0).toLowerCase(), h.args().get(1)));
    assertEquals("$http_upgrade", headers.get("upgrade"));
    var connection = headers.get("connection");
    assertNotNull(connection, "/gateway must set the Connection header");
    if (connection.startsWith("$")) {
      // A map from $http_upgrade whose default is "upgrade".
      var map = http.get(0).all("map").stream().filter(m -> m.args().equals(List.of("$http_upgrade", connection))).findFirst()
          .orElseGet(() -> fail("no map defines " + connection));
      assertEquals(List.of("upgrade"), map.all("default").get(0).args());
    } else {
      assertEquals("upgrade", connection.toLowerCase());
    }
    // The gateway compares Origin with Host: the client's Host must reach the app.
    assertTrue(Set.of("$http_host", "$host:$server_port").contains(headers.get("host")), "Host must be passed on: " + headers.get("host"));
    // Longer than the heartbeat timeout (1.5 x interval), or nginx cuts idle sockets first.
    var heartbeat = appConfig("app1").getDuration("chatterbox.gateway.heartbeat-interval").toSeconds();
    var readTimeout = gateway.all("proxy_read_timeout");
    assertFalse(readTimeout.isEmpty(), "/gateway needs a proxy_read_timeout");
    assertTrue(seconds(readTimeout.get(0).args().get(0)) > heartbeat * 3 / 2, "proxy_read_timeout too short for heartbeats");

    // /metrics is scraped per node, never through the balancer.
    var metrics = server.get(0).all("location").stream().filter(l -> l.args().equals(List.of("=", "/metrics"))).findFirst()
        .orElseGet(() -> fail("no location = /metrics"));
    assertTrue(metrics.all("proxy_pass").isEmpty() && !metrics.all("return").isEmpty(), "/metrics must not be proxied");

    // Everything else (REST, web client) goes to the same upstream.
    var rest = server.get(0).all("location").stream().filter(l -> l.args().equals(List.of("/"))).findFirst()
        .orElseGet(() -> fail("no location /"));
    assertEquals(List.of("http://" + upstream.args().get(0)), rest.all("proxy_pass").get(0).args());
  }

  private static long seconds(String duration) {
    var m = Pattern.compile("(\\d+)(ms|s|m|h)?").matcher(duration.trim());
    assertTrue(m.matches(), "duration " + duration);
    long n = Long.parseLong(m.group(1));
    var unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) { case "ms" -> n / 1000; case "m" -> n * 60; case "h" -> n * 3600; default -> n; };
  }

  private static List<String> texts(JsonNode array) {
    var list = new ArrayList<String>();
    if (array.isArray()) array.forEach(n -> list.add(n.asText())); else list.add(array.asText());
    return list;
  }
}
