package chatterbox.transfer;

import chatterbox.platform.runtime.Failures;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import java.util.function.Consumer;
import java.util.function.Function;
import chatterbox.account.AccountService;
import chatterbox.account.AuthenticatedRoutes;
import chatterbox.account.PinPolicy;
import chatterbox.account.Username;
import chatterbox.ledger.Ledger;
import chatterbox.platform.http.Validation;
import chatterbox.wallet.Money;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * {@code /api/transfers} (pay another user, see one's own transfers) and the operator's
 * {@code /api/admin/deposits} and {@code /api/admin/withdrawals}.
 */
public final class TransferRoutes extends AuthenticatedRoutes {

  public record PaymentRequest(String transferId, String to, String amount, String pin) {}

  public record DepositRequest(String depositId, String username, String amount) {}

  public record WithdrawalRequest(String withdrawalId, String username, String amount) {}

  public record HistoryItem(String transferId, String kind, String direction, String counterparty, String amount,
                            String status, String reason, Instant requestedAt, Instant updatedAt) {}

  public record HistoryPage(List<HistoryItem> transfers, Integer nextOffset) {}

  private static final int MAX_PAGE = 100;

  private final Payments payments;
  private final TransferService transfers;
  private final Ledger ledger;
  private final long maxTransfer;
  private final Consumer<CompletedTransfer> receipts;

  /**
   * @param receipts told of each payment, deposit and withdrawal a request here saw complete, to
   *                 tell its users' sessions (one that had completed before it was asked again is
   *                 not told again)
   */
  public TransferRoutes(AccountService accounts, String operatorToken, Payments payments, TransferService transfers,
                        Ledger ledger, long maxTransfer, Consumer<CompletedTransfer> receipts) {
    super(accounts, operatorToken);
    this.payments = payments;
    this.receipts = receipts;
    this.transfers = transfers;
    this.ledger = ledger;
    this.maxTransfer = maxTransfer;
  }

  public Route routes() {
    return concat(
        pathPrefix("transfers", () -> authenticated(session -> concat(
            pathEndOrSingleSlash(() -> concat(
                post(() -> jsonBody(PaymentRequest.class, request -> pay(session.username(), request))),
                get(() -> history(session.username())))),
            path(transferId -> get(() -> ownTransfer(session.username(), transferId)))))),
        pathPrefix("admin", () -> concat(
            path("deposits", () -> post(() -> operator(() -> jsonBody(DepositRequest.class, this::deposit)))),
            path("withdrawals", () -> post(() -> operator(() -> jsonBody(WithdrawalRequest.class, this::withdraw)))))));
  }

  private Route pay(String payer, PaymentRequest request) {
    var amount = Money.parse(request.amount(), maxTransfer);
    var validation = new Validation()
        .check("transferId", Transfer.idProblem(request.transferId()))
        .check("to", Username.problem(request.to()))
        .check("amount", amount.problem())
        .require(PinPolicy.isWellFormed(request.pin()), "pin", PinPolicy.NOT_WELL_FORMED);
    if (!validation.isValid()) return invalid(validation.errors());
    long minorUnits = ((Money.Amount) amount).minorUnits();
    return outcome(payments.pay(payer, request.transferId(), request.to(), minorUnits, request.pin()), result -> {
      if (result instanceof Payments.Started started) {
        var payment = TransferRequest.payment(payer, Username.normalize(request.to()), minorUnits, payer);
        return receiptedOutcome(request.transferId(), payment, started.status(), started.balances());
      }
      if (result instanceof Payments.UnknownRecipient) return error(StatusCodes.UNPROCESSABLE_ENTITY, "to", "no such user");
      if (result instanceof Payments.SelfPayment) return error(StatusCodes.UNPROCESSABLE_ENTITY, "to", "cannot send money to yourself");
      if (result instanceof Payments.WrongPin wrong) {
        return error(StatusCodes.UNAUTHORIZED, "pin", "wrong PIN; " + wrong.attemptsLeft() + " attempt(s) left before a lockout");
      }
      var until = ((Payments.Locked) result).until();
      return error(StatusCodes.LOCKED, "pin", "too many wrong PINs: locked until " + until
          + " (" + Math.max(1, Duration.between(Instant.now(), until).toSeconds()) + " s)");
    });
  }

  private Route deposit(DepositRequest request) {
    return operatorTransfer("depositId", request.depositId(), TransferIds::deposit, request.username(), request.amount(),
        (username, amount) -> TransferRequest.deposit(username, amount, "operator"));
  }

  private Route withdraw(WithdrawalRequest request) {
    return operatorTransfer("withdrawalId", request.withdrawalId(), TransferIds::withdrawal, request.username(),
        request.amount(), (username, amount) -> TransferRequest.withdrawal(username, amount, "operator"));
  }

  /** A deposit or withdrawal: a transfer between the treasury and an active user's wallet. */
  private Route operatorTransfer(String idField, String id, Function<String, String> scope, String rawUsername,
                                 String rawAmount, java.util.function.BiFunction<String, Long, TransferRequest> request) {
    var amount = Money.parse(rawAmount);
    var validation = new Validation()
        .check(idField, Transfer.idProblem(id))
        .check("username", Username.problem(rawUsername))
        .check("amount", amount.problem());
    if (!validation.isValid()) return invalid(validation.errors());
    var username = Username.normalize(rawUsername);
    long minorUnits = ((Money.Amount) amount).minorUnits();
    return outcome(accounts.isActive(username), active -> !active
        ? error(StatusCodes.UNPROCESSABLE_ENTITY, "username", "no such user")
        : startReceipted(scope.apply(id), request.apply(username, minorUnits)));
  }

  private Route startReceipted(String transferId, TransferRequest request) {
    return outcome(transfers.startForReceipt(transferId, request),
        started -> receiptedOutcome(transferId, request, started.status(), started.balances()));
  }

  /** The transfer's outcome, after telling its users' sessions if this request saw it complete. */
  private Route receiptedOutcome(String transferId, TransferRequest request, TransferStatus status,
                                 Optional<Transfer.Balances> balances) {
    // The balances come only with the answers to the requests waiting when the transfer completed.
    balances.ifPresent(both -> receipts.accept(
        new CompletedTransfer(transferId, request, both, null, status.finishedAt().orElse(Instant.now()))));
    return transferOutcome(status);
  }

  /** 201 when done, 202 while still under way (ask again with GET), 422 when refused. */
  private Route transferOutcome(TransferStatus status) {
    var view = TransferView.of(status);
    return switch (status.stage()) {
      case COMPLETED -> json(StatusCodes.CREATED, view);
      case REJECTED -> json(StatusCodes.UNPROCESSABLE_ENTITY, Map.of(
          "errors", List.of(Map.of("field", "amount", "message", status.reason().orElse("rejected"))),
          "transfer", view));
      default -> json(StatusCodes.ACCEPTED, view);
    };
  }

  private Route history(String username) {
    return parameterOptional("limit", limit -> parameterOptional("offset", offset -> {
      var size = intParameter(limit, 20);
      var from = intParameter(offset, 0);
      var validation = new Validation()
          .require(size.isPresent() && size.get() >= 1 && size.get() <= MAX_PAGE, "limit", "must be 1 to " + MAX_PAGE)
          .require(from.isPresent() && from.get() >= 0, "offset", "must be 0 or more");
      if (!validation.isValid()) return invalid(validation.errors());
      return outcome(ledger.history(username, size.get() + 1, from.get()), entries -> {
        var more = entries.size() > size.get();
        var items = entries.stream().limit(size.get()).map(e -> new HistoryItem(e.transferId(), e.kind().toLowerCase(),
            e.from().equals(username) ? "out" : "in", e.from().equals(username) ? e.to() : e.from(),
            Money.format(e.amount()), e.status(), e.reason(), e.requestedAt(), e.updatedAt())).toList();
        return json(StatusCodes.OK, new HistoryPage(items, more ? from.get() + size.get() : null));
      });
    }));
  }

  private Route ownTransfer(String username, String transferId) {
    return outcome(transfers.status(transferId), status ->
        status.from().equals(username) || status.to().equals(username)
            ? json(StatusCodes.OK, TransferView.of(status))
            : error(StatusCodes.NOT_FOUND, "transferId", "no such transfer"));
  }

  private static Optional<Integer> intParameter(Optional<String> raw, int fallback) {
    if (raw.isEmpty()) return Optional.of(fallback);
    try {
      return Optional.of(Integer.parseInt(raw.get()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Completes with {@code inner}'s route, or with the error a failed transfer operation deserves. */
  private <T> Route outcome(CompletionStage<T> stage, Function<T, Route> inner) {
    return onComplete(stage, result -> {
      if (result.isSuccess()) return inner.apply(result.get());
      var failure = result.failed().get();
      var cause = Failures.cause(failure);
      if (cause instanceof TransferService.TransferIdInUse inUse) {
        return error(StatusCodes.CONFLICT, "transferId", "already used for a different transfer");
      }
      if (cause instanceof TransferService.Busy busy) {
        return error(StatusCodes.SERVICE_UNAVAILABLE, "transferId", busy.getMessage());
      }
      if (cause instanceof TransferService.NoSuchTransfer) {
        return error(StatusCodes.NOT_FOUND, "transferId", "no such transfer");
      }
      if (cause instanceof IllegalArgumentException invalid) {
        return error(StatusCodes.BAD_REQUEST, "request", invalid.getMessage());
      }
      throw new CompletionException(cause); // timeouts: the API's shared 503 (JsonRoutes)
    });
  }

}
