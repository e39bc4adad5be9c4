package chatterbox.platform.http;

import akka.stream.javadsl.Flow;
import akka.util.ByteString;

/**
 * Looks at the first bytes of a new connection and may take the connection over from HTTP: a
 * protocol that upgrades on its first request (a WebSocket) then runs on a stream of its own,
 * without Akka HTTP's server stream underneath it for the connection's whole life.
 *
 * <p>{@link #decide} sees everything received so far, each time more arrives, until it decides.
 * Anything it does not recognise with certainty it leaves to HTTP, which answers it as before.
 */
@FunctionalInterface
public interface Takeover {

  Decision decide(ByteString received);

  sealed interface Decision {}

  /** The bytes so far do not settle it: read more. */
  enum NeedMore implements Decision { INSTANCE }

  /** An HTTP connection: Akka HTTP serves it, from the first byte. */
  enum Http implements Decision { INSTANCE }

  /**
   * Taken over: {@code response} is sent first, then whatever {@code protocol} emits; the first
   * {@code consumed} bytes were the request, anything after them is the protocol's first input.
   */
  record TakeOver(ByteString response, int consumed, Flow<ByteString, ByteString, ?> protocol) implements Decision {}

  /** Leaves every connection to HTTP. */
  Takeover NONE = received -> Http.INSTANCE;
}
