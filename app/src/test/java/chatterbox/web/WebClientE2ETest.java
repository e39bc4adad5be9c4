package chatterbox.web;

import chatterbox.testing.TestStack;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web client end to end in a real headless Chromium (Debian's, driven by Playwright) against
 * the real app and KYC on PostgreSQL: the Playwright specs in web-client/e2e run against this stack.
 * Screenshots land in app/target/screenshots.
 *
 * <p>CI installs Chromium; on a laptop without it the browser tests are skipped with a note.
 */
class WebClientE2ETest {

  private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
  private static final Path WEB_CLIENT = Path.of("..", "web-client").toAbsolutePath().normalize();

  @Test
  void twoUsersSignUpChatAndPayEachOtherInTheBrowser() throws IOException, InterruptedException {
    boolean ci = System.getenv("CI") != null;
    assumeTrue(ci || Files.isExecutable(CHROMIUM),
        "no Chromium at " + CHROMIUM + ": browser tests skipped (apt-get install chromium to run them)");
    assertTrue(Files.isExecutable(CHROMIUM), "CI must provide Chromium at " + CHROMIUM);
    assertTrue(Files.isDirectory(WEB_CLIENT.resolve("node_modules")), "web-client dependencies are installed by the build");

    var log = Path.of("target", "web-e2e.log").toAbsolutePath();
    var screenshots = Path.of("target", "screenshots").toAbsolutePath();
    Files.createDirectories(screenshots);
    try (var stack = TestStack.start()) {
      var e2e = new ProcessBuilder(List.of("npm", "run", "e2e"))
          .directory(WEB_CLIENT.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      e2e.environment().put("BASE_URL", "http://127.0.0.1:" + stack.app().httpPort());
      e2e.environment().put("SCREENSHOT_DIR", screenshots.toString());
      e2e.environment().put("OPERATOR_TOKEN", TestStack.OPERATOR_TOKEN);
      e2e.environment().put("CHROMIUM_PATH", CHROMIUM.toString());
      e2e.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
      var process = e2e.start();
      if (!process.waitFor(8, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("the browser tests did not finish in 8 minutes; see " + log);
      }
      var output = Files.readString(log);
      assertEquals(0, process.exitValue(), "Playwright failed:\n" + output.substring(Math.max(0, output.length() - 6000)));
    }
    try (var files = Files.list(screenshots)) {
      assertTrue(files.anyMatch(f -> f.toString().endsWith(".png")), "screenshots of the main screens in " + screenshots);
    }
  }
}
