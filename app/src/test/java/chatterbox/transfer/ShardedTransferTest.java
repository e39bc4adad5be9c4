package chatterbox.transfer;

import chatterbox.testing.OneNodeCluster;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import chatterbox.transfer.TransferStatus.Stage;
import chatterbox.wallet.MoneyTestConfig;
import chatterbox.wallet.Wallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import chatterbox.testing.Eventually;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The entities as {@code init} wires them: sharded on a one-node cluster, with the service in
 * front.
 */
class ShardedTransferTest {

  private static final ActorTestKit testKit = ActorTestKit.create(OneNodeCluster.nodeConfig().withFallback(MoneyTestConfig.config()));

  private static TransferService service;

  @BeforeAll
  static void startNode() {
    OneNodeCluster.join(testKit);
    Wallet.init(testKit.system(), new Wallet.Settings(100, Wallet.Settings.DEFAULT_SNAPSHOT_EVERY), Duration.ofMinutes(2));
    Transfer.init(testKit.system(), TransferTest.FAST);
    service = TransferService.sharded(testKit.system(), Duration.ofSeconds(10), TransferService.DEFAULT_MAX_IN_FLIGHT);
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
    long treasury = await(service.balance(Wallet.TREASURY_ID)).balance(); // other tests deposit too
    assertEquals(Stage.COMPLETED, await(service.start("deposit-1", TransferRequest.deposit("carol", 500, "ops"))).stage());
    var payment = await(service.start("payment-1", TransferRequest.payment("carol", "dave", 200, "carol")));
    assertEquals(Stage.COMPLETED, payment.stage());
    assertEquals(Stage.COMPLETED, await(service.start("withdrawal-1", TransferRequest.withdrawal("dave", 50, "ops"))).stage());

    assertEquals(new Wallet.Balance(300, 0), await(service.balance("carol")));
    assertEquals(new Wallet.Balance(150, 0), await(service.balance("dave")));
    assertEquals(new Wallet.Balance(treasury - 450, 0), await(service.balance(Wallet.TREASURY_ID)));
    // Asked again after the finished transfer passivated: recovered from the journal, nothing moves.
    assertEquals(payment, await(service.start("payment-1", TransferRequest.payment("carol", "dave", 200, "carol"))));
    assertEquals(payment, await(service.status("payment-1")));
    assertEquals(new Wallet.Balance(300, 0), await(service.balance("carol")));
  }

  @Test
  void aTransferStrandedMidSagaFinishesOnceTheBooksShowItUnfinished() throws Exception {
    // A node that stopped right after journaling a request: an incarnation outside sharding whose
    // wallets never answer, stopped once its debit went out. Nothing is running for it now.
    TestProbe<Wallet.Command> silentWallets = testKit.createTestProbe();
    var stranded = testKit.spawn(Transfer.create("stranded-1", walletId -> silentWallets.ref(), TransferTest.FAST,
        testKit.<ClusterSharding.ShardCommand>createTestProbe().ref(), Clock.systemUTC()));
    stranded.tell(new Transfer.Start(TransferRequest.deposit("gina", 700, "ops"),
        testKit.<Transfer.StartReply>createTestProbe().ref()));
    silentWallets.expectMessageClass(Wallet.Debit.class);
    testKit.stop(stranded);
    assertEquals(new Wallet.Balance(0, 0), await(service.balance("gina")));

    // The books list it as unfinished; waking it through sharding resumes the saga to the end.
    // (Watched through the payee's wallet only: asking the transfer itself would wake it too.)
    UnfinishedTransfers.start(testKit.system(), (idleFor, limit) -> CompletableFuture.completedFuture(List.of("stranded-1")),
        new UnfinishedTransfers.Settings(Duration.ofMillis(200), Duration.ZERO, 10));
    Eventually.await(Duration.ofSeconds(15), () -> service.balance("gina").toCompletableFuture().join(),
        balance -> balance.equals(new Wallet.Balance(700, 0)));
    // The credit is visible before the treasury's settle step ends the saga: wait for that too.
    Eventually.await(Duration.ofSeconds(5), () -> service.status("stranded-1").toCompletableFuture().join().stage(),
        stage -> stage == Stage.COMPLETED);
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
