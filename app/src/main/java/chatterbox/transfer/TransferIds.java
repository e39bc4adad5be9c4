package chatterbox.transfer;

import java.util.Optional;

/**
 * Transfer ids. Clients choose the ids of their payments ({@link Transfer#idProblem} says which
 * are valid: no '@' or '.'); money the operator or the system moves gets an id in a scope of its
 * own, {@code @<scope>.<id>}, which no client id can spell. So nobody can take an id that an
 * operator's deposit or a sign-up grant will use.
 */
public final class TransferIds {

  private TransferIds() {}

  public static String deposit(String depositId) {
    return "@deposit." + depositId;
  }

  public static String withdrawal(String withdrawalId) {
    return "@withdrawal." + withdrawalId;
  }

  public static String signUpGrant(String username) {
    return "@grant." + username;
  }

  /** Why {@code transferId} (a client's, or a scoped system id) names no transfer, or empty. */
  public static Optional<String> problem(String transferId) {
    if (transferId != null && transferId.startsWith("@")) {
      int dot = transferId.indexOf('.');
      if (dot < 2) return Optional.of("has an unknown scope");
      return Transfer.idProblem(transferId.substring(dot + 1));
    }
    return Transfer.idProblem(transferId);
  }
}
