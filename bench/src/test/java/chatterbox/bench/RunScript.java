package chatterbox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hand-shakes with bench/run.sh through marker files in {@code bench.out}, for what only the script
 * can do in the middle of a simulation (measure the app's memory, restart the app).
 */
final class RunScript {
  private RunScript() {}

  /** Writes marker {@code done}, then waits (at most {@code maxSeconds}) for the script's marker {@code awaited}. */
  static void handshake(String done, String awaited, int maxSeconds) {
    try {
      Path out = Path.of(Bench.OUT);
      Files.createDirectories(out);
      Files.writeString(out.resolve(done), "");
      long deadline = System.currentTimeMillis() + maxSeconds * 1000L;
      while (!Files.exists(out.resolve(awaited))) {
        if (System.currentTimeMillis() > deadline) throw new IllegalStateException("bench/run.sh wrote no " + awaited);
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
