package chatterbox.gateway;

import chatterbox.platform.runtime.Failures;
import akka.actor.typed.javadsl.ActorContext;
import chatterbox.account.PinPolicy;
import chatterbox.account.Username;
import chatterbox.metrics.Metrics;
import chatterbox.room.Room;
import chatterbox.room.RoomService;
import chatterbox.transfer.CompletedTransfer;
import chatterbox.transfer.TransferRequest;
import chatterbox.transfer.Payments;
import chatterbox.transfer.TransferService;
import chatterbox.transfer.Transfer;
import chatterbox.transfer.TransferStatus;
import chatterbox.wallet.Money;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a session does with the lines its user types and the PINs they confirm with. Everything
 * slow (rooms, payments) runs asynchronously; its outcome comes back to the session as a
 * {@link Session.Dispatch}, so the session's own state is only touched on its own thread.
 */
final class SessionInput {

  /** A `/send` waiting for the PIN. */
  private record PendingTransfer(String room, String to, long amount, Instant expiresAt) {}

  private final ActorContext<Session.Command> ctx;
  private final String username;
  private final GatewayContext gateway;
  private final Map<String, RoomView> rooms;
  private final Map<String, PendingTransfer> pending = new HashMap<>();

  SessionInput(ActorContext<Session.Command> ctx, String username, GatewayContext gateway,
               Map<String, RoomView> rooms) {
    this.ctx = ctx;
    this.username = username;
    this.gateway = gateway;
    this.rooms = rooms;
  }

  void onInput(GatewayProtocol.Input in) {
    var command = ChatCommand.parse(in.text());
    if (command instanceof ChatCommand.Join join) {
      join(join.room(), in.nonce());
      return;
    }
    if (command instanceof ChatCommand.Help) {
      dispatch("HELP", Events.help());
      return;
    }
    if (command instanceof ChatCommand.Unknown unknown) {
      error("unknown_command", unknown.command() + " is not a command; commands: " + ChatCommand.commandList(), in.nonce());
      return;
    }
    if (command instanceof ChatCommand.Invalid invalid) {
      error(invalid.code(), invalid.message(), in.nonce());
      return;
    }
    var view = rooms.get(in.room());
    if (view == null) {
      error("not_a_member", "you are not in room " + in.room(), in.nonce());
      return;
    }
    if (command instanceof ChatCommand.Message message) {
      post(in.room(), message.text(), in.nonce());
    } else if (command instanceof ChatCommand.Leave) {
      leave(in.room(), in.nonce());
    } else if (command instanceof ChatCommand.Send send) {
      requestPin(in.room(), view, send, in.nonce());
    }
  }

  private void join(String room, String nonce) {
    var problem = Room.idProblem(room);
    if (problem.isPresent()) {
      error("invalid_room", "room id " + problem.get(), nonce);
      return;
    }
    // The room service tells all of the user's sessions (UserNotice.RoomJoined).
    whenDone(gateway.roomService().join(room, username), result -> result instanceof RoomService.TooManyRooms full
        ? errorDispatch("too_many_rooms", "you are in " + full.limit() + " rooms, the most one user can be in: /leave one first", nonce)
        : null, nonce);
  }

  private void leave(String room, String nonce) {
    whenDone(gateway.roomService().leave(room, username), left -> left instanceof Room.NotMember
        ? errorDispatch("not_a_member", "you are not in room " + room, nonce) : null, nonce);
  }

  private void post(String room, String text, String nonce) {
    long started = System.nanoTime();
    whenDone(gateway.roomService().post(room, username, text, nonce), reply -> {
      if (reply instanceof Room.Posted posted && !posted.duplicate()) {
        gateway.metrics().messages.inc();
        gateway.metrics().persistLatency.labelValues("message").observe(Metrics.secondsSince(started));
      }
      if (reply instanceof Room.Posted posted && posted.duplicate()) {
        // A retried line: the first echo may not have reached this client, so send it again.
        var again = Events.roomEvent(posted.entry());
        return new Session.Dispatch(again.getKey(), again.getValue());
      }
      if (reply instanceof Room.NotMember) return errorDispatch("not_a_member", "you are not in room " + room, nonce);
      if (reply instanceof Room.Invalid invalid) return errorDispatch("invalid_message", invalid.reason(), nonce);
      return null;
    }, nonce);
  }

  private void requestPin(String room, RoomView view, ChatCommand.Send send, String nonce) {
    var to = Username.normalize(send.recipient());
    var amount = Money.parse(send.amount(), gateway.maxTransfer());
    var transferId = UUID.randomUUID().toString();
    if (amount instanceof Money.Invalid invalid) {
      dispatch("TRANSFER_FAILED", Events.transferFailed(transferId, "invalid_amount", "amount " + invalid.message()));
    } else if (to.equals(username)) {
      dispatch("TRANSFER_FAILED", Events.transferFailed(transferId, "unknown_recipient", "you cannot send money to yourself"));
    } else if (view.large()) {
      // The session does not keep a large room's members: the room answers (its list is sorted).
      var payee = new PayeeToCheck(room, to, ((Money.Amount) amount).minorUnits(), transferId);
      whenDone(gateway.roomService().info(room),
          info -> new Session.PayeeChecked(payee, Collections.binarySearch(info.members(), to) >= 0), nonce);
    } else {
      onPayeeChecked(new PayeeToCheck(room, to, ((Money.Amount) amount).minorUnits(), transferId), view.hasMember(to));
    }
  }

  /** A /send whose payee's membership of the room is being checked. */
  record PayeeToCheck(String room, String to, long amount, String transferId) {}

  /** Asks for the PIN if the payee is in the room, on the session's thread. */
  void onPayeeChecked(PayeeToCheck payee, boolean member) {
    if (!member) {
      dispatch("TRANSFER_FAILED", Events.transferFailed(payee.transferId(), "not_in_room",
          payee.to() + " is not a member of " + payee.room()));
      return;
    }
    var expiresAt = Instant.now().plus(gateway.settings().pinConfirmationWindow());
    pending.put(payee.transferId(), new PendingTransfer(payee.room(), payee.to(), payee.amount(), expiresAt));
    dispatch("TRANSFER_PIN_REQUIRED", Events.object().put("transfer_id", payee.transferId()).put("room", payee.room())
        .put("to", payee.to()).put("amount", Money.format(payee.amount())).put("expires_at", expiresAt.toString()));
  }

  void onConfirm(GatewayProtocol.Confirm confirm) {
    pending.values().removeIf(p -> p.expiresAt().isBefore(Instant.now().minusSeconds(600)));
    var transfer = pending.get(confirm.transferId());
    if (transfer == null) {
      dispatch("TRANSFER_FAILED", Events.transferFailed(confirm.transferId(), "unknown_transfer",
          "no transfer of yours waits for this confirmation"));
      return;
    }
    if (transfer.expiresAt().isBefore(Instant.now())) {
      pending.remove(confirm.transferId());
      dispatch("TRANSFER_FAILED", Events.transferFailed(confirm.transferId(), "expired",
          "the confirmation window has passed; type /send again"));
      return;
    }
    if (!PinPolicy.isWellFormed(confirm.pin())) {
      dispatch("TRANSFER_FAILED", Events.transferFailed(confirm.transferId(), "wrong_pin", "the PIN is 4 digits"));
      return;
    }
    var id = confirm.transferId();
    var outcome = gateway.payments().pay(username, id, transfer.to(), transfer.amount(), confirm.pin())
        .thenCompose(result -> settle(id, transfer, result));
    ctx.pipeToSelf(outcome, (settled, failure) -> failure == null ? settled : failedConfirmation(id, failure));
  }

  /** A busy node started nothing, so the transfer stays pending for another CONFIRM; otherwise its fate is unknown. */
  static Session.ConfirmOutcome failedConfirmation(String id, Throwable failure) {
    var cause = Failures.cause(failure);
    if (cause instanceof TransferService.Busy busy) {
      return new Session.ConfirmOutcome(id, true, new Session.Dispatch("TRANSFER_FAILED",
          Events.transferFailed(id, "busy", busy.getMessage())));
    }
    return new Session.ConfirmOutcome(id, false, new Session.Dispatch("TRANSFER_FAILED", Events.transferFailed(id,
        "unavailable", "the transfer could not be confirmed now; check your transfers before trying again")));
  }

  /** The outcome of a confirmation: a wrong PIN leaves the transfer waiting for another try. */
  void onConfirmOutcome(Session.ConfirmOutcome outcome) {
    if (!outcome.stillPending()) pending.remove(outcome.transferId());
    if (outcome.dispatch() != null) ctx.getSelf().tell(outcome.dispatch());
  }

  /** Turns a payment's result into the sender's dispatch, and on success tells the room and both parties. */
  private CompletionStage<Session.Command> settle(String id, PendingTransfer transfer, Payments.Result result) {
    if (result instanceof Payments.WrongPin wrong) {
      return CompletableFuture.completedFuture(new Session.ConfirmOutcome(id, true, new Session.Dispatch(
          "TRANSFER_FAILED", Events.transferFailed(id, "wrong_pin", "wrong PIN").put("attempts_left", wrong.attemptsLeft()))));
    }
    if (result instanceof Payments.Locked locked) {
      return done(Events.transferFailed(id, "locked", "too many wrong PINs: locked until " + locked.until())
          .put("locked_until", locked.until().toString()));
    }
    if (result instanceof Payments.UnknownRecipient) {
      return done(Events.transferFailed(id, "unknown_recipient", transfer.to() + " has no account"));
    }
    if (result instanceof Payments.SelfPayment) {
      return done(Events.transferFailed(id, "unknown_recipient", "you cannot send money to yourself"));
    }
    var started = (Payments.Started) result;
    var status = started.status();
    if (status.stage() == TransferStatus.Stage.REJECTED) {
      return done(Events.transferFailed(id, "insufficient_funds", "insufficient funds: nothing was sent"));
    }
    if (status.stage() != TransferStatus.Stage.COMPLETED) {
      return done(Events.transferFailed(id, "unavailable", "the transfer is still under way; it will complete"));
    }
    gateway.roomService().noticeTransfer(transfer.room(), id, username, transfer.to());
    var at = status.finishedAt().orElse(Instant.now());
    // The saga's answer carries both balances when this confirmation saw the transfer complete;
    // only a transfer that had completed before (a repeated confirmation) needs the wallets asked.
    var balances = started.balances().<CompletionStage<Transfer.Balances>>map(CompletableFuture::completedFuture)
        .orElseGet(() -> currentBalances(username, transfer.to()));
    return balances.thenApply(both -> {
      var request = TransferRequest.payment(username, transfer.to(), transfer.amount(), username);
      gateway.sendReceipts(new CompletedTransfer(id, request, both, transfer.room(), at));
      return new Session.ConfirmOutcome(id, false, null);
    });
  }

  private CompletionStage<Transfer.Balances> currentBalances(String payer, String payee) {
    return gateway.transfers().balance(payer).thenCombine(gateway.transfers().balance(payee),
        (mine, theirs) -> new Transfer.Balances(mine.balance(), theirs.balance()));
  }

  private CompletionStage<Session.Command> done(ObjectNode failed) {
    return CompletableFuture.completedFuture(new Session.ConfirmOutcome(id(failed), false,
        new Session.Dispatch("TRANSFER_FAILED", failed)));
  }

  private static String id(ObjectNode failed) {
    return failed.path("transfer_id").asText();
  }

  /** Runs {@code stage}; its result may be a dispatch for the session; a failure becomes an ERROR. */
  private <T> void whenDone(CompletionStage<T> stage, java.util.function.Function<T, Session.Command> then, String nonce) {
    ctx.pipeToSelf(stage.thenApply(then), (command, failure) -> {
      if (failure != null) {
        ctx.getLog().warn("Input of {} failed: {}", username, failure.toString());
        return errorDispatch("unavailable", "could not do that now; retry with the same nonce", nonce);
      }
      return command == null ? new Session.Dispatch(null, null) : command;
    });
  }

  private void dispatch(String type, ObjectNode payload) {
    ctx.getSelf().tell(new Session.Dispatch(type, payload));
  }

  private void error(String code, String message, String nonce) {
    ctx.getSelf().tell(errorDispatch(code, message, nonce));
  }

  private static Session.Dispatch errorDispatch(String code, String message, String nonce) {
    return new Session.Dispatch("ERROR", Events.error(code, message, nonce));
  }
}
