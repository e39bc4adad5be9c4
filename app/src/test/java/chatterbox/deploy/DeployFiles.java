package chatterbox.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Reads the deployment artifacts (Dockerfiles, docker-compose.yml, conf/, k8s/) from the repository
 * and computes the configuration a container would run with. Shared by the tests of this package.
 */
final class DeployFiles {

  private DeployFiles() {}

  /** Stands in for values Kubernetes fills in at run time (status.podIP). */
  static final String POD_IP = "10.1.2.3";

  /** Duplicate keys are an error, as in kubectl's strict decoding: the second one would silently win. */
  private static final YAMLMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
  private static final Pattern OPTIONAL_SUBSTITUTION = Pattern.compile("\\$\\{\\?([A-Za-z0-9_]+)}");

  /** The repository root: the first directory up from the working directory that holds k8s/. */
  static Path root() {
    var dir = Path.of("").toAbsolutePath();
    for (var d = dir; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("k8s")) && Files.isRegularFile(d.resolve("pom.xml"))) return d;
    }
    throw new IllegalStateException("no repository root with k8s/ above " + dir);
  }

  static Path file(String relative) {
    var path = root().resolve(relative);
    assertTrue(Files.isRegularFile(path), relative + " is missing");
    return path;
  }

  static String read(String relative) {
    try {
      return Files.readString(file(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- Kubernetes -------------------------------------------------------------------------

  /** One YAML document of a manifest file. */
  record Manifest(String file, JsonNode doc) {
    String kind() { return doc.path("kind").asText(); }
    String name() { return doc.path("metadata").path("name").asText(); }
    String apiVersion() { return doc.path("apiVersion").asText(); }
    @Override public String toString() { return file + ": " + kind() + "/" + name(); }
  }

  /** Every k8s/*.yaml file, relative to k8s/, sorted. */
  static List<String> k8sFiles() {
    try (Stream<Path> files = Files.list(root().resolve("k8s"))) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every document of {@code k8s/<file>}, empty ones skipped. */
  static List<Manifest> documents(String file) {
    var out = new ArrayList<Manifest>();
    try (var values = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file("k8s/" + file).toFile())) {
      while (values.hasNext()) {
        var doc = values.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode() && doc.size() > 0) out.add(new Manifest(file, doc));
      }
    } catch (IOException e) {
      fail("k8s/" + file + " does not parse as YAML: " + e.getMessage());
    }
    return out;
  }

  /** Every Kubernetes object in k8s/ (the kustomization is not one). */
  static List<Manifest> manifests() {
    var out = new ArrayList<Manifest>();
    for (var file : k8sFiles()) {
      if (!file.equals("kustomization.yaml")) out.addAll(documents(file));
    }
    return out;
  }

  static List<Manifest> ofKind(String kind) {
    return manifests().stream().filter(m -> m.kind().equals(kind)).toList();
  }

  static Manifest object(String kind, String name) {
    return manifests().stream().filter(m -> m.kind().equals(kind) && m.name().equals(name)).findFirst()
        .orElseGet(() -> fail("no " + kind + " named " + name + " in k8s/"));
  }

  /** The containers of a workload's pod template. */
  static List<JsonNode> containers(JsonNode workload) {
    var list = new ArrayList<JsonNode>();
    workload.path("spec").path("template").path("spec").path("containers").forEach(list::add);
    return list;
  }

  static JsonNode onlyContainer(Manifest workload) {
    var containers = containers(workload.doc());
    assertTrue(containers.size() == 1, workload + " should run exactly one container");
    return containers.get(0);
  }

  /** A container's ports by name. */
  static Map<String, Integer> namedPorts(JsonNode container) {
    var ports = new LinkedHashMap<String, Integer>();
    container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
    return ports;
  }

  /**
   * A container's environment as the process would see it: literal values as they are, the pod IP
   * as {@link #POD_IP}, and secrets as a 48-character stand-in naming the secret key.
   */
  static Map<String, String> env(JsonNode container) {
    var env = new LinkedHashMap<String, String>();
    for (var e : container.path("env")) {
      var name = e.path("name").asText();
      if (e.has("value")) {
        env.put(name, e.get("value").asText());
      } else if (e.path("valueFrom").has("fieldRef")) {
        var field = e.path("valueFrom").path("fieldRef").path("fieldPath").asText();
        env.put(name, field.equals("status.podIP") ? POD_IP : "fieldRef:" + field);
      } else if (e.path("valueFrom").has("secretKeyRef")) {
        var ref = e.path("valueFrom").path("secretKeyRef");
        env.put(name, pad("secret:" + ref.path("name").asText() + "/" + ref.path("key").asText()));
      } else {
        env.put(name, "");
      }
    }
    return env;
  }

  private static String pad(String s) {
    return s.length() >= 48 ? s : s + "-".repeat(48 - s.length());
  }

  // ---- Compose ------------------------------------------------------------------------------

  static JsonNode compose() {
    try {
      var doc = YAML.readTree(file("docker-compose.yml").toFile());
      assertNotNull(doc, "docker-compose.yml is empty");
      return doc;
    } catch (IOException e) {
      return fail("docker-compose.yml does not parse as YAML: " + e.getMessage());
    }
  }

  /** A compose service's environment, in map or list form. */
  static Map<String, String> composeEnv(JsonNode service) {
    var env = new LinkedHashMap<String, String>();
    var node = service.path("environment");
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    } else if (node.isArray()) {
      for (var item : node) {
        var text = item.asText();
        int eq = text.indexOf('=');
        env.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? "" : text.substring(eq + 1));
      }
    }
    return env;
  }

  /** A compose service's bind mounts: container path to source path (short syntax). */
  static Map<String, String> composeMounts(JsonNode service) {
    var mounts = new LinkedHashMap<String, String>();
    for (var v : service.path("volumes")) {
      var parts = v.asText().split(":");
      if (parts.length >= 2) mounts.put(parts[1], parts[0]);
    }
    return mounts;
  }

  // ---- Configuration --------------------------------------------------------------------------

  /** The text of a bundled configuration resource (chatterbox.conf, kyc.conf). */
  static String resourceText(String resource) {
    try (InputStream in = DeployFiles.class.getClassLoader().getResourceAsStream(resource)) {
      assertNotNull(in, resource + " is not on the test classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The environment variables a configuration resource reads: every {@code ${?NAME}} in its text. */
  static Set<String> variablesOf(String resource) {
    var names = new LinkedHashSet<String>();
    var m = OPTIONAL_SUBSTITUTION.matcher(resourceText(resource));
    while (m.find()) names.add(m.group(1));
    return names;
  }

  /**
   * The configuration a service process would run with: {@code overlay} (its CONFIG_FILE) over the
   * bundled {@code resource} over the libraries' reference configuration, resolved with
   * {@code env} as the only environment (not this JVM's), as ServiceNode.loadConfig does.
   */
  static Config effectiveConfig(String resource, Config overlay, Map<String, String> env) {
    return overlay
        .withFallback(ConfigFactory.parseResources(resource))
        .withFallback(ConfigFactory.parseMap(env))
        .withFallback(ConfigFactory.defaultReference())
        .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
  }

  /** The pod label selector the Kubernetes API discovery of {@code config} uses, as key and value. */
  static Map.Entry<String, String> discoverySelector(Config config) {
    var service = config.getString("akka.management.cluster.bootstrap.contact-point-discovery.service-name");
    var selector = String.format(config.getString("akka.discovery.kubernetes-api.pod-label-selector"), service);
    var parts = selector.split("=", 2);
    assertTrue(parts.length == 2 && !selector.contains(","), "expected a single key=value selector: " + selector);
    return Map.entry(parts[0].trim(), parts[1].trim());
  }
}
