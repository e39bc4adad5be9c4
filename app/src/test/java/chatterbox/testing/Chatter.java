package chatterbox.testing;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A chat participant in a cluster test: who they are and which node their socket is on. When that
 * node is lost they reconnect to a live one and send again with the same nonce, which the room
 * counts once.
 */
public final class Chatter {

  public final Users.LoggedIn user;
  private final Duration beat;
  private AppNodeProcess node;
  private GatewayClient client;

  public Chatter(Users.LoggedIn user, AppNodeProcess node, Duration beat) {
    this.user = user;
    this.node = node;
    this.beat = beat;
  }

  public AppNodeProcess node() {
    return node;
  }

  /** The open socket, or null when it was lost and not yet reopened. */
  public GatewayClient client() {
    return client;
  }

  /** Identifies on {@code on}; READY lists general first. */
  public void connect(AppNodeProcess on) {
    node = on;
    client = on.gateway(user.token(), beat);
    var ready = client.expectDispatch("READY");
    assertEquals("general", ready.path("rooms").get(0).path("id").asText());
  }

  public void connect() {
    connect(node);
  }

  /** Types a line in general and waits for its echo; on failure, retries on a live node within {@code failover}. */
  public void say(String text, String nonce, Supplier<List<AppNodeProcess>> live, Duration failover) {
    var deadline = System.nanoTime() + failover.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (client == null || client.isClosed()) connect(nextLive(live.get()));
        client.input("general", text, nonce);
        client.awaitSeen(f -> nonce.equals(f.path("d").path("nonce").asText())
            && "MESSAGE_CREATED".equals(f.path("t").asText()), nonce);
        return;
      } catch (AssertionError | RuntimeException retry) {
        if (client != null) client.drop();
        client = null; // reconnect (to another live node) and send again: the nonce makes it count once
      }
    }
    throw new AssertionError("message " + nonce + " was never acknowledged");
  }

  /** The live node after the one that just failed this chatter (the first when it is not live). */
  private AppNodeProcess nextLive(List<AppNodeProcess> nodes) {
    if (nodes.isEmpty()) throw new IllegalStateException("no live node");
    return nodes.get((nodes.indexOf(node) + 1) % nodes.size());
  }

  public void close() {
    if (client != null) client.close();
  }
}
