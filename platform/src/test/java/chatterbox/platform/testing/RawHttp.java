package chatterbox.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP on a bare socket, for tests that need what a client library will not do: a request in
 * pieces, several on one connection, bytes right behind a handshake.
 */
public final class RawHttp {

  private RawHttp() {}

  /** A connection to the local {@code port} whose reads fail after 10 s without data. */
  public static Socket connect(int port) throws IOException {
    var socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    return socket;
  }

  public static void write(Socket socket, String text) throws IOException {
    write(socket, text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public static void write(Socket socket, byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** Exactly {@code bytes} bytes, as text. */
  public static String read(InputStream in, int bytes) throws IOException {
    return new String(in.readNBytes(bytes), StandardCharsets.ISO_8859_1);
  }

  /** A response's status line and headers, up to and including the blank line. */
  public static String readHead(InputStream in) throws IOException {
    var head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new IOException("connection closed after: " + head);
      head.append((char) b);
    }
    return head.toString();
  }

  /** The body that follows {@code head}, by its Content-Length. */
  public static String readBody(InputStream in, String head) throws IOException {
    int length = head.lines().filter(line -> line.toLowerCase().startsWith("content-length:"))
        .mapToInt(line -> Integer.parseInt(line.substring(15).trim())).findFirst().orElse(0);
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  /** One whole response with a Content-Length body, as text. */
  public static String readResponse(InputStream in) throws IOException {
    var head = readHead(in);
    return head + readBody(in, head);
  }
}
