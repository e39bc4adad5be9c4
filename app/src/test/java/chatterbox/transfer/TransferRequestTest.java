package chatterbox.transfer;

import chatterbox.transfer.TransferRequest.Kind;
import chatterbox.wallet.Wallet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which transfers can be asked for at all, and which ids can name them. */
class TransferRequestTest {

  private static final String T = Wallet.TREASURY_ID;

  @Test
  void theFactoriesBuildConsistentRequests() {
    assertEquals(new TransferRequest("alice", "bob", 5, Kind.PAYMENT, "alice"), TransferRequest.payment("alice", "bob", 5, "alice"));
    assertEquals(new TransferRequest(T, "alice", 5, Kind.DEPOSIT, "ops"), TransferRequest.deposit("alice", 5, "ops"));
    assertEquals(new TransferRequest("alice", T, 5, Kind.WITHDRAWAL, "ops"), TransferRequest.withdrawal("alice", 5, "ops"));
  }

  @ParameterizedTest(name = "{3} {0} -> {1} ({2}): {5}")
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "alice     | bob       | 1 | PAYMENT    | alice | null",
      "@treasury | alice     | 1 | DEPOSIT    | ops   | null",
      "alice     | @treasury | 1 | WITHDRAWAL | ops   | null",
      "alice     | alice     | 1 | PAYMENT    | alice | from and to must be different wallets",
      "@treasury | @treasury | 1 | DEPOSIT    | ops   | from and to must be different wallets",
      "alice     | bob       | 0 | PAYMENT    | alice | amount must be greater than zero",
      "alice     | bob       | -1| PAYMENT    | alice | amount must be greater than zero",
      "@treasury | bob       | 1 | PAYMENT    | ops   | a payment is between two users, not the treasury",
      "alice     | @treasury | 1 | PAYMENT    | alice | a payment is between two users, not the treasury",
      "alice     | bob       | 1 | DEPOSIT    | ops   | a deposit comes from the treasury",
      "alice     | bob       | 1 | WITHDRAWAL | ops   | a withdrawal goes to the treasury",
      "null      | bob       | 1 | PAYMENT    | alice | from is required",
      "alice     | ''        | 1 | PAYMENT    | alice | to is required",
      "alice     | bob       | 1 | PAYMENT    | ' '   | initiator is required",
      "alice     | bob       | 1 | null       | alice | kind is required",
  })
  void aRequestIsValidOnlyWhenItsPartiesFitItsKind(String from, String to, long amount, Kind kind, String initiator, String problem) {
    assertEquals(Optional.ofNullable(problem), TransferRequest.problem(from, to, amount, kind, initiator));
    if (problem != null) {
      var refused = assertThrows(IllegalArgumentException.class, () -> new TransferRequest(from, to, amount, kind, initiator));
      assertEquals(problem, refused.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "t1", "ABC-def_123", "0123456789012345678901234567890123456789012345678901234567890123"})
  void anIdOfUpTo64LettersDigitsDashesAndUnderscoresIsValid(String transferId) {
    assertEquals(Optional.empty(), Transfer.idProblem(transferId));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "null | is required",
      "''   | is required",
      "01234567890123456789012345678901234567890123456789012345678901234 | must be at most 64 characters",
      "a b  | may contain only letters, digits, '_' and '-'",
      "a/b  | may contain only letters, digits, '_' and '-'",
      "a.b  | may contain only letters, digits, '_' and '-'",
      "ü    | may contain only letters, digits, '_' and '-'",
      "t1!  | may contain only letters, digits, '_' and '-'",
  })
  void anyOtherIdIsRefusedSayingWhy(String transferId, String problem) {
    assertEquals(Optional.of(problem), Transfer.idProblem(transferId));
  }
}
