package chatterbox.gateway;

import chatterbox.room.UserNotice;

/** The gateway's own notices to all sessions of one user, on the users' notices topic beside the rooms' ones. */
final class GatewayNotice {

  private GatewayNotice() {}

  /**
   * A private receipt: {@code balance} is this user's own new balance; {@code kind} is the
   * transfer's ({@code payment}, {@code deposit}, {@code withdrawal}; null from a node older than
   * deposits' receipts, meaning a payment), and the treasury's side of a deposit or withdrawal is null.
   */
  record TransferReceipt(String username, String transferId, String kind, String direction, String from, String to,
                         String amount, String balance, String room, String at) implements UserNotice {}

  /** A token was revoked: the gateway sessions opened with it close (4012) and end. */
  record LoggedOut(String username, String tokenSessionId) implements UserNotice {}
}
