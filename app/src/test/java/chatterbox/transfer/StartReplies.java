package chatterbox.transfer;

/** Reading a transfer's answer to Start in tests: a completion seen as it happened comes as a receipt. */
final class StartReplies {
  private StartReplies() {}

  static TransferStatus status(Transfer.StartReply reply) {
    return reply instanceof Transfer.Receipt receipt ? receipt.status() : (TransferStatus) reply;
  }
}
