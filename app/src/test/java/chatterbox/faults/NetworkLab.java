package chatterbox.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hosts for a test on one Linux machine: a bridge in the root network namespace (the "switch",
 * whose address the test itself and PostgreSQL's relay use) and one network namespace per host,
 * each wired to the bridge by a veth pair and given its own address. Partitions are iptables DROP
 * rules inside the namespaces, so a partitioned host still reaches the bridge address (the
 * database, the clients) and only loses its peers. Needs root, iproute2 and iptables; everything
 * is removed on close, and leftovers of an earlier run that died are removed before a new one.
 */
final class NetworkLab implements AutoCloseable {

  private static final String PREFIX = "cbxlab";
  private static final String BRIDGE = PREFIX + "-br";
  private static final String SUBNET = "10.231.7.";

  /** A host: its namespace and address. */
  record Host(String namespace, String address) {
    /** The command prefix that runs a program on this host. */
    List<String> launcher() {
      return List.of("ip", "netns", "exec", namespace);
    }
  }

  private final List<Host> hosts;

  private NetworkLab(List<Host> hosts) {
    this.hosts = hosts;
  }

  /** Why this machine cannot run the lab, or null when it can. */
  static String unavailableBecause() {
    if (!System.getProperty("os.name").toLowerCase().contains("linux")) return "network namespaces need Linux";
    if (!"0".equals(output("id", "-u").strip())) return "network namespaces need root";
    for (var tool : List.of("ip", "iptables")) {
      if (run(List.of("sh", "-c", "command -v " + tool)) != 0) return tool + " is not installed";
    }
    return null;
  }

  static NetworkLab create(int count) {
    removeLeftovers();
    must("ip", "link", "add", BRIDGE, "type", "bridge");
    must("ip", "addr", "add", bridgeAddress() + "/24", "dev", BRIDGE);
    must("ip", "link", "set", BRIDGE, "up");
    var hosts = new ArrayList<Host>();
    for (int i = 1; i <= count; i++) {
      var host = new Host(PREFIX + i, SUBNET + (10 + i));
      var hostSide = PREFIX + i + "-v";
      must("ip", "netns", "add", host.namespace());
      must("ip", "link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", host.namespace());
      must("ip", "link", "set", hostSide, "master", BRIDGE, "up");
      must("ip", "-n", host.namespace(), "addr", "add", host.address() + "/24", "dev", "eth0");
      must("ip", "-n", host.namespace(), "link", "set", "eth0", "up");
      must("ip", "-n", host.namespace(), "link", "set", "lo", "up");
      hosts.add(host);
    }
    return new NetworkLab(List.copyOf(hosts));
  }

  /** The root namespace's address on the bridge: where the hosts reach the test, KYC and the database. */
  static String bridgeAddress() {
    return SUBNET + "1";
  }

  List<Host> hosts() {
    return hosts;
  }

  /** Cuts {@code host} off from every other host (both directions); the bridge address stays reachable. */
  void isolate(Host host) {
    for (var other : hosts) {
      if (other.equals(host)) continue;
      drop(host, other.address());
      drop(other, host.address());
    }
  }

  /** Removes every partition. */
  void heal() {
    for (var host : hosts) must("ip", "netns", "exec", host.namespace(), "iptables", "-F");
  }

  private static void drop(Host in, String peer) {
    must("ip", "netns", "exec", in.namespace(), "iptables", "-A", "INPUT", "-s", peer, "-j", "DROP");
    must("ip", "netns", "exec", in.namespace(), "iptables", "-A", "OUTPUT", "-d", peer, "-j", "DROP");
  }

  @Override
  public void close() {
    removeLeftovers();
  }

  /** Kills whatever still runs in a lab namespace, then deletes the namespaces and the bridge. */
  private static void removeLeftovers() {
    for (var namespace : output("ip", "netns", "list").lines().map(line -> line.split(" ")[0]).toList()) {
      if (!namespace.startsWith(PREFIX)) continue;
      for (var pid : output("ip", "netns", "pids", namespace).lines().filter(l -> !l.isBlank()).toList()) {
        run(List.of("kill", "-9", pid.strip()));
      }
      run(List.of("ip", "netns", "del", namespace));
    }
    run(List.of("ip", "link", "del", BRIDGE));
  }

  private static void must(String... command) {
    int status = run(List.of(command));
    if (status != 0) throw new IllegalStateException(String.join(" ", command) + " exited with " + status);
  }

  private static int run(List<String> command) {
    try {
      var process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String output(String... command) {
    try {
      var process = new ProcessBuilder(command).redirectErrorStream(true).start();
      var text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(30, TimeUnit.SECONDS);
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
