package chatterbox.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static chatterbox.deploy.DeployFiles.effectiveConfig;
import static chatterbox.deploy.DeployFiles.namedPorts;
import static chatterbox.deploy.DeployFiles.object;
import static chatterbox.deploy.DeployFiles.onlyContainer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** app/Dockerfile, kyc/Dockerfile and .dockerignore: small, non-root JRE images of the jars the build makes. */
class DockerfilesTest {

  /** One Dockerfile instruction, continuation lines joined and comments dropped. */
  record Instruction(String keyword, String args) {}

  /** One service's image. */
  private record Image(String module, String dockerfile, String resource, String root, String overlayVariable,
                       String deployment) {
    List<Instruction> instructions() { return DockerfilesTest.instructions(dockerfile); }
  }

  private static final Image APP = new Image("app", "app/Dockerfile", "chatterbox.conf", "chatterbox", "CHATTERBOX_CONFIG_FILE", "chatterbox-app");
  private static final Image KYC = new Image("kyc", "kyc/Dockerfile", "kyc.conf", "kyc", "KYC_CONFIG_FILE", "chatterbox-kyc");
  private static final List<Image> IMAGES = List.of(APP, KYC);

  static List<Instruction> instructions(String dockerfile) {
    var out = new ArrayList<Instruction>();
    var current = new StringBuilder();
    for (var line : DeployFiles.read(dockerfile).split("\n", -1)) {
      var trimmed = line.trim();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) continue;
      boolean continues = trimmed.endsWith("\\");
      current.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
      if (!continues) {
        var text = current.toString().trim();
        current.setLength(0);
        if (text.isEmpty()) continue;
        int space = text.indexOf(' ');
        out.add(new Instruction(text.substring(0, space < 0 ? text.length() : space).toUpperCase(),
            space < 0 ? "" : text.substring(space + 1).trim()));
      }
    }
    assertTrue(current.toString().isBlank(), dockerfile + " ends inside a continued line");
    return out;
  }

  private static List<Instruction> all(Image image, String keyword) {
    return image.instructions().stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  private static Map<String, String> env(Image image) {
    var env = new LinkedHashMap<String, String>();
    for (var i : all(image, "ENV")) {
      for (var token : i.args().split("\\s+")) {
        int eq = token.indexOf('=');
        assertTrue(eq > 0, image.dockerfile() + ": use ENV KEY=value, not " + i.args());
        env.put(token.substring(0, eq), token.substring(eq + 1).replace("\"", ""));
      }
    }
    return env;
  }

  /** COPY sources to their destination. */
  private static Map<String, String> copies(Image image) {
    var copies = new LinkedHashMap<String, String>();
    for (var i : all(image, "COPY")) {
      var parts = new ArrayList<>(Arrays.asList(i.args().split("\\s+")));
      parts.removeIf(p -> p.startsWith("--"));
      var destination = parts.remove(parts.size() - 1);
      for (var source : parts) {
        var fileName = source.substring(source.lastIndexOf('/') + 1);
        copies.put(source, destination.endsWith("/") ? destination + fileName : destination);
      }
    }
    return copies;
  }

  private static List<String> entrypoint(Image image) {
    var entrypoints = all(image, "ENTRYPOINT");
    assertEquals(1, entrypoints.size(), image.dockerfile() + ": one ENTRYPOINT");
    var args = entrypoints.get(0).args();
    assertTrue(args.startsWith("["), image.dockerfile() + ": ENTRYPOINT in exec form, so java is PID 1 and gets SIGTERM");
    try {
      return Arrays.asList(new ObjectMapper().readValue(args, String[].class));
    } catch (Exception e) {
      return fail(image.dockerfile() + ": ENTRYPOINT is not a JSON array: " + args);
    }
  }

  /** The image's configuration as it starts with no extra environment. */
  private static Config config(Image image) {
    var env = env(image);
    var overlayPath = env.get(image.overlayVariable());
    var source = copies(image).entrySet().stream().filter(e -> e.getValue().equals(overlayPath)).map(Map.Entry::getKey)
        .findFirst().orElseGet(() -> fail(image.dockerfile() + ": " + image.overlayVariable() + "=" + overlayPath + " is not copied in"));
    return effectiveConfig(image.resource(), ConfigFactory.parseFile(DeployFiles.file(source).toFile()), env);
  }

  @Test
  void theBaseImageIsAJava17Jre() {
    var release = Pattern.compile("<maven.compiler.release>(\\d+)</maven.compiler.release>").matcher(DeployFiles.read("pom.xml"));
    assertTrue(release.find());
    var java = release.group(1);
    var jre = Pattern.compile("eclipse-temurin:" + java + "(\\.[0-9._]+)?-jre(-[a-z]+)?(@sha256:[0-9a-f]{64})?"
        + "|gcr\\.io/distroless/java" + java + "(-debian\\d+)?(:[a-z0-9-]+)?(@sha256:[0-9a-f]{64})?");
    for (var image : IMAGES) {
      var from = all(image, "FROM");
      assertEquals(1, from.size(), image.dockerfile() + ": a single stage from a prebuilt jar");
      var base = from.get(0).args().split("\\s+")[0];
      assertTrue(jre.matcher(base).matches(), image.dockerfile() + ": base image " + base + " is not a Java " + java + " JRE");
    }
  }

  @Test
  void theProcessRunsAsANonRootUser() {
    for (var image : IMAGES) {
      var users = all(image, "USER");
      assertFalse(users.isEmpty(), image.dockerfile() + " has no USER");
      var user = users.get(users.size() - 1).args().split(":")[0];
      assertFalse(Set.of("root", "0").contains(user), image.dockerfile() + " runs as root");
      // USER comes before ENTRYPOINT, and a numeric one is created with that uid.
      var keywords = image.instructions().stream().map(Instruction::keyword).toList();
      assertTrue(keywords.lastIndexOf("USER") < keywords.indexOf("ENTRYPOINT"), image.dockerfile() + ": USER after ENTRYPOINT");
      var runs = String.join(" ", all(image, "RUN").stream().map(Instruction::args).toList());
      if (user.matches("\\d+")) {
        assertTrue(runs.contains("--uid " + user), image.dockerfile() + ": no user created with uid " + user);
        // Kubernetes runs the pod as that user too.
        var pod = object("Deployment", image.deployment()).doc().path("spec").path("template").path("spec");
        assertEquals(Integer.parseInt(user), pod.path("securityContext").path("runAsUser").asInt(), image.deployment() + " runAsUser");
      } else {
        assertTrue(runs.contains("useradd") && runs.contains(user), image.dockerfile() + ": user " + user + " is never created");
      }
    }
  }

  @Test
  void exposedPortsAreTheConfiguredPorts() {
    for (var image : IMAGES) {
      var exposed = new TreeSet<Integer>();
      for (var i : all(image, "EXPOSE")) {
        for (var port : i.args().split("\\s+")) exposed.add(Integer.parseInt(port.replace("/tcp", "")));
      }
      var config = config(image);
      var expected = new TreeSet<Integer>(List.of(config.getInt(image.root() + ".http.port"),
          config.getInt("akka.remote.artery.canonical.port"), config.getInt("akka.management.http.port")));
      assertEquals(expected, exposed, image.dockerfile() + " EXPOSE");
      var ports = namedPorts(onlyContainer(object("Deployment", image.deployment())));
      assertEquals(new TreeSet<>(ports.values()), exposed, image.dockerfile() + ": EXPOSE and the Deployment's ports differ");
    }
    assertEquals(new TreeSet<>(List.of(8080, 25520, 8558)), exposedOf(APP));
    assertEquals(new TreeSet<>(List.of(8081, 25530, 8559)), exposedOf(KYC));
  }

  private static Set<Integer> exposedOf(Image image) {
    var exposed = new TreeSet<Integer>();
    all(image, "EXPOSE").forEach(i -> Arrays.stream(i.args().split("\\s+")).forEach(p -> exposed.add(Integer.parseInt(p))));
    return exposed;
  }

  @Test
  void theImageRunsTheJarTheBuildProduces() {
    // The parent pom's shade execution writes ${project.build.directory}/${project.artifactId}.jar.
    var parent = DeployFiles.read("pom.xml");
    assertTrue(parent.contains("<outputFile>${project.build.directory}/${project.artifactId}.jar</outputFile>"),
        "the shade plugin's output file changed: update the Dockerfiles and this test");
    for (var image : IMAGES) {
      var pom = DeployFiles.read(image.module() + "/pom.xml");
      var artifact = Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>").matcher(pom);
      assertTrue(artifact.find(), image.module() + "/pom.xml artifactId");
      var jar = image.module() + "/target/" + artifact.group(1) + ".jar";
      var copies = copies(image);
      assertTrue(copies.containsKey(jar), image.dockerfile() + " must COPY " + jar + ": " + copies.keySet());
      var entrypoint = entrypoint(image);
      assertEquals("java", entrypoint.get(0));
      int dashJar = entrypoint.indexOf("-jar");
      assertTrue(dashJar > 0, image.dockerfile() + ": java -jar");
      assertEquals(copies.get(jar), entrypoint.get(dashJar + 1), image.dockerfile() + " runs another jar than it copies");
    }
  }

  @Test
  void theJvmIsContainerAwareAndLogsForProduction() {
    for (var image : IMAGES) {
      var entrypoint = entrypoint(image);
      assertTrue(entrypoint.stream().anyMatch(a -> a.matches("-XX:MaxRAMPercentage=\\d+(\\.\\d+)?")), image.dockerfile() + ": heap from the container limit");
      assertTrue(entrypoint.contains("-XX:+ExitOnOutOfMemoryError"), image.dockerfile() + ": exit on OOM");
      assertFalse(entrypoint.stream().anyMatch(a -> a.startsWith("-Xmx")), image.dockerfile() + ": a fixed -Xmx ignores the limit");
      var logback = entrypoint.stream().filter(a -> a.startsWith("-Dlogback.configurationFile=")).findFirst()
          .orElseGet(() -> fail(image.dockerfile() + ": no production logging"));
      var logbackPath = logback.substring(logback.indexOf('=') + 1);
      assertTrue(copies(image).entrySet().stream().anyMatch(e -> e.getKey().equals("conf/logback-production.xml") && e.getValue().equals(logbackPath)),
          image.dockerfile() + ": " + logbackPath + " is not conf/logback-production.xml");
      // Production mode and the production overlay, copied from conf/.
      var config = config(image);
      assertEquals("production", config.getString(image.root() + ".env"));
      assertFalse(config.getBoolean(image.root() + ".cluster.join-self"), image.dockerfile() + ": production never self-joins");
      assertEquals("0.0.0.0", config.getString(image.root() + ".http.host"));
      for (var healthcheck : all(image, "HEALTHCHECK")) {
        var m = Pattern.compile(":(?:\\$\\{[A-Z_]+:-)?(\\d+)}?/").matcher(healthcheck.args());
        assertTrue(m.find(), image.dockerfile() + ": HEALTHCHECK port");
        assertTrue(exposedOf(image).contains(Integer.parseInt(m.group(1))), image.dockerfile() + ": HEALTHCHECK asks an unexposed port");
      }
    }
    assertEquals("/etc/chatterbox/production.conf", env(APP).get("CHATTERBOX_CONFIG_FILE"));
    for (var image : IMAGES) {
      // The production overlay turns self-joining off: without bootstrap a node never joins a cluster.
      assertTrue(config(image).getBoolean(image.root() + ".cluster.bootstrap"), image.dockerfile() + ": nodes form their cluster by bootstrap");
    }
  }

  @Test
  void dockerignoreKeepsTheContextToTheJarsAndConf() {
    var patterns = DeployFiles.read(".dockerignore").lines().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    for (var image : IMAGES) {
      for (var source : copies(image).keySet()) {
        assertTrue(included(patterns, source), ".dockerignore leaves out " + source + ", which " + image.dockerfile() + " copies");
        if (!source.endsWith(".jar")) DeployFiles.file(source);
      }
    }
    for (var excluded : List.of("app/src/main/java/chatterbox/ChatterBoxApp.java", "app/target/classes/chatterbox.conf",
        "app/target/app-0.1.0-SNAPSHOT.jar", "app/target/original-app.jar", "data/app/chatterbox.mv.db", ".git/HEAD",
        "k8s/secrets.yaml", "docker-compose.yml", "conf/app.env.example", "node_modules/x/index.js")) {
      assertFalse(included(patterns, excluded), ".dockerignore lets " + excluded + " into the build context");
    }
  }

  /** Docker's rule: the last pattern matching the path or one of its parents decides; "!" lets it back in. */
  private static boolean included(List<String> patterns, String path) {
    boolean in = true;
    for (var pattern : patterns) {
      boolean negated = pattern.startsWith("!");
      var glob = (negated ? pattern.substring(1) : pattern).replaceAll("^/", "").replaceAll("/$", "");
      var matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
      boolean matches = false;
      for (var p = Path.of(path); p != null; p = p.getParent()) matches |= matcher.matches(p);
      if (matches) in = negated;
    }
    return in;
  }

  @Test
  void variablesReadByCodeAreReadThere() {
    for (var entry : KnownVariables.READ_BY_CODE_IN.entrySet()) {
      assertTrue(DeployFiles.read(entry.getValue()).contains("\"" + entry.getKey() + "\""),
          entry.getValue() + " no longer reads " + entry.getKey());
    }
  }
}
