package chatterbox.web;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.CacheControl;
import akka.http.javadsl.model.headers.CacheDirective;
import akka.http.javadsl.model.headers.CacheDirectives;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Serves the web client (module {@code web-client}, built by Vite and packaged under
 * {@code chatterbox-web/} on the classpath) at {@code /}:
 *
 * <ul>
 *   <li>{@code /assets/**}: the fingerprinted bundles, cached for a year ({@code immutable});
 *       a missing asset is a 404, never the page;</li>
 *   <li>top-level files of the build ({@code /favicon.svg}, ...), cached briefly;</li>
 *   <li>{@code index.html} for {@code /} and every other GET path outside {@code /api},
 *       {@code /gateway} and {@code /metrics} (the client routes {@code /login}, {@code /rooms/general},
 *       ...), never cached so a new release is picked up at once.</li>
 * </ul>
 *
 * Every answer carries the security headers (a self-only Content Security Policy that lets the
 * page open its WebSocket, nosniff, no referrer, no framing). Without a built client on the
 * classpath, {@code /} answers a plain-text note on how to build it. Mount it last:
 * {@code concat(gateway, api, metrics, new WebClientRoutes().routes())}.
 */
public final class WebClientRoutes extends AllDirectives {

  /** Where the build lives on the classpath. */
  public static final String RESOURCE_ROOT = "chatterbox-web";

  /** First path segments that belong to the server, never to the client. */
  private static final Set<String> SERVER_PATHS = Set.of("api", "gateway", "metrics");

  /** A top-level file of the build: one segment, a name with an extension, nothing hidden. */
  private static final Pattern ROOT_FILE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*\\.[A-Za-z0-9]+");

  static final String CONTENT_SECURITY_POLICY = String.join("; ",
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self' ws: wss:",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'");

  static final String NOT_BUILT = """
      ChatterBox is running, but its web client is not on the classpath.

      Build it (Node 20+):   cd web-client && npm ci && npm run build
      or with Maven:         mvn -pl web-client -am package   (then rebuild app)

      For development:       cd web-client && npm run dev   → http://localhost:5173
      The REST API is under /api and the WebSocket gateway at /gateway.
      """;

  private static final List<HttpHeader> SECURITY_HEADERS = List.of(
      RawHeader.create("Content-Security-Policy", CONTENT_SECURITY_POLICY),
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("Referrer-Policy", "no-referrer"),
      RawHeader.create("X-Frame-Options", "DENY"));

  private final ClassLoader classLoader;
  private final byte[] indexHtml;

  public WebClientRoutes() {
    this(WebClientRoutes.class.getClassLoader());
  }

  public WebClientRoutes(ClassLoader classLoader) {
    this.classLoader = classLoader;
    this.indexHtml = read(classLoader, RESOURCE_ROOT + "/index.html");
  }

  /** Whether a built client was found on the classpath. */
  public boolean clientAvailable() {
    return indexHtml != null;
  }

  public Route routes() {
    return get(() -> extractUnmatchedPath(path -> {
      var relative = path.startsWith("/") ? path.substring(1) : path;
      int slash = relative.indexOf('/');
      var first = slash < 0 ? relative : relative.substring(0, slash);
      if (SERVER_PATHS.contains(first)) return reject();
      if (indexHtml == null) {
        return relative.isEmpty()
            ? withHeaders(noCache(), () -> complete(HttpResponse.create()
                .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, NOT_BUILT))))
            : reject();
      }
      if (first.equals("assets")) return assets();
      if (slash < 0 && ROOT_FILE.matcher(first).matches() && !first.equals("index.html")
          && classLoader.getResource(RESOURCE_ROOT + "/" + first) != null) {
        return withHeaders(cache(CacheDirectives.PUBLIC, CacheDirectives.MAX_AGE(3600)),
            () -> getFromResource(RESOURCE_ROOT + "/" + first, contentTypeOf(first), classLoader));
      }
      return index();
    }));
  }

  private Route assets() {
    return pathPrefix("assets", () -> concat(
        withHeaders(cache(CacheDirectives.PUBLIC, CacheDirectives.MAX_AGE(31_536_000), CacheDirectives.IMMUTABLE),
            () -> encodeResponse(() -> getFromResourceDirectory(RESOURCE_ROOT + "/assets", classLoader))),
        withHeaders(noCache(), () -> complete(HttpResponse.create().withStatus(StatusCodes.NOT_FOUND)
            .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "no such asset"))))));
  }

  private Route index() {
    return withHeaders(noCache(), () -> encodeResponse(() -> complete(HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, indexHtml)))));
  }

  private Route withHeaders(HttpHeader cacheControl, Supplier<Route> inner) {
    var headers = new ArrayList<HttpHeader>(SECURITY_HEADERS);
    headers.add(cacheControl);
    return respondWithHeaders(headers, inner);
  }

  private static HttpHeader cache(CacheDirective... directives) {
    return CacheControl.create(directives);
  }

  private static HttpHeader noCache() {
    return CacheControl.create(CacheDirectives.NO_CACHE);
  }

  /** Content types of the few top-level files a Vite build has. */
  private static ContentType contentTypeOf(String name) {
    var lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".svg")) return ContentTypes.create(MediaTypes.IMAGE_SVG_XML);
    if (lower.endsWith(".png")) return ContentTypes.create(MediaTypes.IMAGE_PNG);
    if (lower.endsWith(".ico")) return ContentTypes.create(MediaTypes.IMAGE_X_ICON);
    if (lower.endsWith(".json") || lower.endsWith(".webmanifest")) return ContentTypes.APPLICATION_JSON;
    if (lower.endsWith(".txt")) return ContentTypes.TEXT_PLAIN_UTF8;
    return ContentTypes.APPLICATION_OCTET_STREAM;
  }

  private static byte[] read(ClassLoader classLoader, String resource) {
    try (InputStream in = classLoader.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
