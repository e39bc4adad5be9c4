package chatterbox.gateway;

import akka.http.impl.engine.ws.FrameHandler;

/**
 * Joins the parts of each client message; refuses binary ones and text beyond the limit. A message
 * in one frame (what clients send) passes through without a copy; a buffer exists only while a
 * fragmented message is being joined, since every open socket holds an assembler.
 */
final class MessageAssembler {
  private final int maxChars;
  private StringBuilder fragments;
  private boolean overflowed;

  MessageAssembler(int maxChars) {
    this.maxChars = maxChars;
  }

  /** The whole message that {@code event} ends, or null while a message is still incomplete (or for other events). */
  WebSocketFrames.Inbound accept(FrameHandler.Output event) {
    if (event instanceof FrameHandler.TextMessagePart part) return acceptText(part.data(), part.last());
    if (event instanceof FrameHandler.BinaryMessagePart part && part.last()) return new WebSocketFrames.Binary();
    return null;
  }

  private WebSocketFrames.Inbound acceptText(String data, boolean last) {
    if (last && fragments == null && !overflowed) {
      return data.length() > maxChars ? new WebSocketFrames.TooLarge() : new WebSocketFrames.Text(data);
    }
    boolean overflowsNow = false;
    if (!overflowed) {
      if (fragments == null) fragments = new StringBuilder();
      fragments.append(data);
      overflowsNow = fragments.length() > maxChars;
      if (overflowsNow) {
        overflowed = true;
        fragments = null;
      }
    }
    if (last) {
      var complete = overflowed ? null : fragments.toString();
      fragments = null;
      overflowed = false;
      return complete == null ? new WebSocketFrames.TooLarge() : new WebSocketFrames.Text(complete);
    }
    return overflowsNow ? new WebSocketFrames.TooLarge() : null;
  }
}
