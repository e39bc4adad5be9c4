package chatterbox.metrics;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.Route;
import chatterbox.account.AccountService;
import chatterbox.account.AuthenticatedRoutes;

/** {@code GET /metrics} for Prometheus, with the operator credential (scrape config: bearer token). */
public final class MetricsRoutes extends AuthenticatedRoutes {

  private final Metrics metrics;

  public MetricsRoutes(AccountService accounts, String operatorToken, Metrics metrics) {
    super(accounts, operatorToken);
    this.metrics = metrics;
  }

  public Route routes() {
    return path("metrics", () -> get(() -> operator(() -> complete(HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, metrics.scrape()))))));
  }
}
