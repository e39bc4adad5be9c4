package chatterbox.platform.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fresh JVM that sees two processors, as on a 2-CPU machine or pod: where its async stages run. */
class CommonPoolTest {

  /** Run in the child JVM: optionally applies CommonPool first, then prints the async executor. */
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("apply")) CommonPool.atLeastTwoThreads();
    System.out.print(new CompletableFuture<>().defaultExecutor().getClass().getSimpleName() + " " + CommonPool.sharesThreads());
  }

  private static String childOnTwoProcessors(String... args) throws IOException, InterruptedException {
    var command = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-XX:ActiveProcessorCount=2", "-cp", System.getProperty("java.class.path"), CommonPoolTest.class.getName()));
    command.addAll(List.of(args));
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the child JVM ended");
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
  }

  @Test
  void onTwoProcessorsTheJdkStartsAThreadPerAsyncStage() throws Exception {
    assertEquals("ThreadPerTaskExecutor false", childOnTwoProcessors());
  }

  @Test
  void appliedFirstInMainAsyncStagesShareTheCommonPool() throws Exception {
    assertEquals("ForkJoinPool true", childOnTwoProcessors("apply"));
  }
}
