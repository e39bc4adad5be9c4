package chatterbox.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Forwards TCP connections from an address the lab's hosts can reach to one they cannot (the
 * machine's PostgreSQL listens on loopback only). It lives in the test JVM, in the root namespace,
 * so no partition between the hosts ever cuts them off from the database: the split-brain case.
 */
final class TcpRelay implements AutoCloseable {

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
    var thread = new Thread(runnable, "tcp-relay");
    thread.setDaemon(true);
    return thread;
  });

  private TcpRelay(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
  }

  static TcpRelay start(String bindAddress, int port, InetSocketAddress target) {
    try {
      var server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(bindAddress, port));
      var relay = new TcpRelay(server, target);
      relay.threads.execute(relay::acceptLoop);
      return relay;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        var client = server.accept();
        var upstream = new Socket();
        upstream.connect(target, 5_000);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        threads.execute(() -> pump(client, upstream));
        threads.execute(() -> pump(upstream, client));
      } catch (IOException closedOrRefused) {
        // a closed relay ends the loop; a refused upstream drops that one client
      }
    }
  }

  /** Copies one direction until either side closes, then closes both. */
  private static void pump(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException closed) {
      // the other direction or the peer ended the connection
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    threads.shutdownNow();
  }
}
