package chatterbox.faults;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;

/** Compares what the clients were told with what the journal did, transfer by transfer. */
final class ExactlyOnce {

  private ExactlyOnce() {}

  /** Every discrepancy, as a line; empty when each transfer did exactly what its client was told. */
  static List<String> check(JournalBook book, Collection<BankWorkload.Outcome> outcomes) {
    var problems = new ArrayList<String>();
    var known = new HashSet<String>();
    for (var outcome : outcomes) {
      known.add(outcome.transferId());
      var steps = book.transfers.get(outcome.transferId());
      var problem = switch (outcome.status()) {
        case 201 -> steps != null && steps.debits() == 1 && steps.credited == 1 && steps.settled == steps.held && steps.refunded == 0
            && outcome.payer().equals(steps.payer) && outcome.payee().equals(steps.payee) && steps.amount == outcome.amount()
            ? null : "completed but not applied exactly once";
        case 422 -> steps == null || (steps.credited == 0 && steps.debited == 0 && steps.held == steps.refunded && steps.held <= 1)
            ? null : "refused but money moved";
        case 401, 423 -> steps == null ? null : "refused for its PIN but money moved";
        case 0 -> steps == null || atMostOnce(steps) ? null : "outcome unknown and applied more than once";
        default -> "unexpected status " + outcome.status();
      };
      if (problem != null) problems.add(outcome.transferId() + ": " + problem + " " + describe(steps));
    }
    book.transfers.forEach((id, steps) -> {
      if (!atMostOnce(steps)) problems.add(id + ": a step applied twice " + describe(steps));
      boolean operator = id.startsWith("@");
      if (!operator && !known.contains(id)) problems.add(id + ": in the journal but no client sent it");
    });
    return problems;
  }

  private static boolean atMostOnce(JournalBook.Steps steps) {
    return steps.debits() <= 1 && steps.credited <= 1 && steps.settled <= 1 && steps.refunded <= 1
        && steps.settled + steps.refunded <= steps.held && steps.refused <= 1 && steps.refused + steps.debits() <= 1;
  }

  private static String describe(JournalBook.Steps steps) {
    return steps == null ? "(no wallet events)" : "(debited " + steps.debited + ", held " + steps.held + ", credited " + steps.credited + ", settled "
        + steps.settled + ", refunded " + steps.refunded + ", refused " + steps.refused + ", " + steps.payer + " -> " + steps.payee + " " + steps.amount + ")";
  }
}
