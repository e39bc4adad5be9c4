package chatterbox.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A main class of this test classpath run as its own JVM, optionally through a launcher such as
 * {@code ip netns exec <namespace>} (which execs, so the process is the JVM itself), with its
 * output appended to a log file. It can be killed (SIGKILL), terminated (SIGTERM), paused (SIGSTOP),
 * resumed (SIGCONT) and started again with the same command.
 */
public final class JvmProcess implements AutoCloseable {

  private final List<String> command;
  private final Map<String, String> environment;
  private final Path log;
  private Process process;

  public JvmProcess(List<String> launcher, String heap, Map<String, String> properties, String mainClass,
                    Map<String, String> environment, Path log) {
    var command = new ArrayList<>(launcher);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Dlogback.configurationFile=" + Path.of("target", "test-classes", "logback-node.xml").toAbsolutePath());
    properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add(mainClass);
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.log = log;
  }

  public void start() {
    var builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL: the process ends at once, without any goodbye. */
  public void kill() {
    process.destroyForcibly();
    waitFor();
  }

  /** SIGTERM: the JVM runs its shutdown hooks (Akka's coordinated shutdown). */
  public void terminate() {
    process.destroy();
    waitFor();
  }

  /** SIGSTOP: the process freezes mid-instruction, sockets open, as in a long GC pause or a VM stall. */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT: a paused process carries on as if nothing happened. */
  public void resume() {
    signal("CONT");
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  public Path log() {
    return log;
  }

  private void signal(String name) {
    try {
      var kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (kill.waitFor() != 0) throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void waitFor() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (isAlive()) kill(); // SIGKILL ends a paused process too
  }
}
