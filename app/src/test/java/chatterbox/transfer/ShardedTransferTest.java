package chatterbox.transfer;

import chatterbox.testing.OneNodeCluster;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import chatterbox.transfer.TransferStatus.Stage;
import chatterbox.wallet.MoneyTestConfig;
import chatterbox.wallet.Wallet;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The entities as {@code init} wires them: sharded on a one-node cluster, transfers with
 * remember-entities kept in the journal, and the service in front.
 */
class ShardedTransferTest {

  private static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString("""
          akka.actor.provider = cluster
          akka.remote.artery.canonical.hostname = "127.0.0.1"
          akka.remote.artery.canonical.port = 0
          akka.cluster.jmx.multi-mbeans-in-same-jvm = on
          """).withFallback(MoneyTestConfig.config()));

  private static TransferService service;

  @BeforeAll
  static void startNode() {
    OneNodeCluster.join(testKit);
    Wallet.init(testKit.system(), 100);
    Transfer.init(testKit.system(), TransferTest.FAST);
    service = TransferService.sharded(testKit.system(), Duration.ofSeconds(10));
  }

  @AfterAll
  static void stopNode() {
    testKit.shutdownTestKit();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  @Test
  void depositPaymentAndWithdrawalRunToTheEnd() throws Exception {
    assertEquals(Stage.COMPLETED, await(service.start("deposit-1", TransferRequest.deposit("carol", 500, "ops"))).stage());
    var payment = await(service.start("payment-1", TransferRequest.payment("carol", "dave", 200, "carol")));
    assertEquals(Stage.COMPLETED, payment.stage());
    assertEquals(Stage.COMPLETED, await(service.start("withdrawal-1", TransferRequest.withdrawal("dave", 50, "ops"))).stage());

    assertEquals(new Wallet.Balance(300, 0), await(service.balance("carol")));
    assertEquals(new Wallet.Balance(150, 0), await(service.balance("dave")));
    assertEquals(new Wallet.Balance(-450, 0), await(service.balance(Wallet.TREASURY_ID)));
    // Asked again after the finished transfer passivated: recovered from the journal, nothing moves.
    assertEquals(payment, await(service.start("payment-1", TransferRequest.payment("carol", "dave", 200, "carol"))));
    assertEquals(payment, await(service.status("payment-1")));
    assertEquals(new Wallet.Balance(300, 0), await(service.balance("carol")));
  }

  @Test
  void refusalsComeBackAsTheirOwnFailures() throws Exception {
    var rejected = await(service.start("too-much", TransferRequest.payment("erin", "frank", 1, "erin")));
    assertEquals(Stage.REJECTED, rejected.stage());

    var conflict = assertThrows(ExecutionException.class,
        () -> await(service.start("too-much", TransferRequest.payment("erin", "frank", 2, "erin"))));
    assertInstanceOf(TransferService.TransferIdInUse.class, conflict.getCause());
    var unknown = assertThrows(ExecutionException.class, () -> await(service.status("never-started")));
    assertInstanceOf(TransferService.NoSuchTransfer.class, unknown.getCause());
  }
}
