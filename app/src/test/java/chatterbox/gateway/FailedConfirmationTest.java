package chatterbox.gateway;

import chatterbox.transfer.TransferService;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a CONFIRM whose payment failed tells the sender, and whether the transfer stays pending. */
class FailedConfirmationTest {

  @Test
  void aBusyNodeStartedNothingSoTheTransferWaitsForAnotherConfirm() {
    var outcome = SessionInput.failedConfirmation("t1", new CompletionException(new TransferService.Busy()));

    assertTrue(outcome.stillPending());
    assertEquals("TRANSFER_FAILED", outcome.dispatch().type());
    assertEquals("busy", outcome.dispatch().payload().path("reason").asText());
    assertEquals("t1", outcome.dispatch().payload().path("transfer_id").asText());
  }

  @Test
  void anyOtherFailureLeavesTheTransfersFateToBeCheckedAndEndsTheConfirmation() {
    var outcome = SessionInput.failedConfirmation("t1", new CompletionException(new TimeoutException("no answer")));

    assertFalse(outcome.stillPending());
    assertEquals("unavailable", outcome.dispatch().payload().path("reason").asText());
  }
}
