package chatterbox.platform.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The services ship as shaded jars whose one reference.conf concatenates every library's, this
 * module's first, so any key this module's reference.conf shares with a library's is decided by the
 * library's in the jar (and by ours on the test classpath). Such a key must live in
 * {@link ServiceNode#SERVICE_DEFAULTS} instead: this test fails for one left in reference.conf
 * (as the dispatcher sizing, LZ4 compression and log filter once were, unnoticed until a jar's
 * effective configuration was printed).
 */
class ReferenceConfTest {

  @Test
  void ourReferenceConfSetsNothingAnotherLibrarySets() throws Exception {
    Config ours = null;
    List<Config> libraries = new ArrayList<>();
    for (URL url : Collections.list(getClass().getClassLoader().getResources("reference.conf"))) {
      var parsed = ConfigFactory.parseURL(url);
      if (parsed.hasPath("chatterbox.blocking-jdbc-dispatcher")) ours = parsed;
      else libraries.add(parsed);
    }
    assertTrue(ours != null && libraries.size() > 10, "found this module's reference.conf and the libraries'");
    for (var entry : ours.entrySet()) {
      for (var library : libraries) {
        assertFalse(library.hasPathOrNull(entry.getKey()),
            entry.getKey() + " is set by another reference.conf too: move it to " + ServiceNode.SERVICE_DEFAULTS);
      }
    }
  }

  @Test
  void theServiceDefaultsWinOverAkkasOwn() {
    var config = ServiceNode.withServiceDefaults(ConfigFactory.empty());
    assertEquals("lz4", config.getString("akka.serialization.jackson.jackson-json.compression.algorithm"));
    assertEquals(List.of("akka.event.slf4j.Slf4jLogger"), config.getStringList("akka.loggers"));
    assertEquals(2, config.getInt("akka.actor.default-dispatcher.fork-join-executor.parallelism-min"));
  }

  /** docs/deployment.md promises requests under way 10 s at a stop; Akka's 5 s phase timeout used to end the wait at 5. */
  @Test
  void aStopWaitsForRequestsUnderWayAlmostTenSecondsWithinAkkasPhase() {
    var config = ServiceNode.withServiceDefaults(ConfigFactory.empty());
    var phase = config.getDuration("akka.coordinated-shutdown.phases.service-requests-done.timeout");
    var wait = ServiceNode.requestsDoneWithin(config);
    assertTrue(wait.compareTo(phase) < 0, wait + " within the phase's " + phase);
    assertTrue(wait.toMillis() >= 9_500, "requests under way get almost 10 s, not " + wait);
  }
}
