package chatterbox.kyc;

import chatterbox.platform.runtime.CommonPool;
import com.typesafe.config.ConfigFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the KYC service as a process, configured by {@code kyc.conf}, the {@code KYC_*} environment
 * and the optional overlay file named by {@code KYC_CONFIG_FILE}.
 */
public final class KycMain {

  private static final Logger log = LoggerFactory.getLogger(KycMain.class);

  private KycMain() {}

  public static void main(String[] args) {
    CommonPool.atLeastTwoThreads(); // first: see there why
    KycService service;
    try {
      service = KycService.start(ConfigFactory.empty());
    } catch (RuntimeException e) {
      log.error("KYC service failed to start: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    // Runs until the actor system ends: SIGTERM runs Akka's coordinated shutdown, which unbinds
    // HTTP, leaves the cluster and terminates the system.
    service.system().getWhenTerminated().toCompletableFuture().join();
  }
}
