package chatterbox.kyc;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.CacheControl;
import akka.http.javadsl.model.headers.CacheDirectives;
import akka.http.javadsl.model.headers.Location;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import chatterbox.platform.config.Secrets;
import chatterbox.platform.http.FieldError;
import chatterbox.platform.http.JsonRoutes;
import chatterbox.platform.http.Validation;
import chatterbox.platform.identity.FullName;
import chatterbox.platform.identity.NationalId;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The KYC HTTP API, for the app's servers only: every {@code /api} route requires the service
 * token as {@code Authorization: Bearer <token>}.
 *
 * <pre>
 * PUT    /api/subjects/{id}  {"fullName","nationalId"}  201 registered, 200 same data again,
 *                                                      400 invalid, 409 other data, 410 erased
 * GET    /api/subjects/{id}  200 {"subjectId","fullName","nationalId","status"}, 404, 410 erased
 * DELETE /api/subjects/{id}  204, always (idempotent; a never-registered id is erased for good too)
 * GET    /health             200, no token
 * </pre>
 *
 * Request bodies and personal data in responses are never logged, and responses carrying them
 * are marked {@code Cache-Control: no-store}.
 */
final class KycRoutes extends JsonRoutes {

  /** Request body of {@code PUT /api/subjects/{id}}. */
  public record RegisterRequest(String fullName, String nationalId) {
    @Override
    public String toString() {
      return "RegisterRequest[redacted]"; // personal data: never into a log line by accident
    }
  }

  /** Answer to a registration: no personal data is echoed back. */
  public record RegistrationView(String subjectId, String status) {}

  public record SubjectView(String subjectId, String fullName, String nationalId, String status) {
    @Override
    public String toString() {
      return "SubjectView[" + subjectId + ", redacted]";
    }
  }

  // A registered subject counts as verified. A real product would check the name against a NIDA
  // lookup of the national ID before saying so.
  private static final String VERIFIED = "verified";

  private final SubjectRegistry registry;
  private final String serviceToken;
  private final Clock clock;

  /** {@code clock} decides "today" for dates of birth; its zone should be the country's. */
  KycRoutes(SubjectRegistry registry, String serviceToken, Clock clock) {
    this.registry = registry;
    this.serviceToken = serviceToken;
    this.clock = clock;
  }

  Route routes() {
    return withJsonErrors(concat(
        path("health", () -> get(() -> json(StatusCodes.OK, Map.of("status", "ok")))),
        pathPrefix("api", () -> authorized(() -> respondWithHeader(CacheControl.create(CacheDirectives.NO_STORE), () ->
            pathPrefix("subjects", () -> path(PathMatchers.segment(), rawId -> concat(
                put(() -> register(rawId)),
                get(() -> withSubjectId(rawId, this::lookup)),
                delete(() -> withSubjectId(rawId, this::erase))))))))));
  }

  private Route authorized(Supplier<Route> inner) {
    return bearerToken(token -> token.filter(given -> Secrets.constantTimeEquals(serviceToken, given)).isPresent()
        ? inner.get()
        : respondWithHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"kyc\""), () ->
            error(StatusCodes.UNAUTHORIZED, "authorization", "a valid service token is required")));
  }

  private Route register(String rawId) {
    return jsonBody(RegisterRequest.class, body -> {
      if (body == null) return error(StatusCodes.BAD_REQUEST, "body", "must be a JSON object");
      var subjectId = SubjectId.parse(rawId);
      var validation = new Validation()
          .require(subjectId.isPresent(), "subjectId", "must be a UUID")
          .check("fullName", FullName.problem(body.fullName()))
          .check("nationalId", NationalId.problem(body.nationalId(), LocalDate.now(clock)));
      if (!validation.isValid()) return invalid(validation.errors());

      var id = subjectId.get();
      var identity = new Identity(FullName.normalize(body.fullName()), NationalId.normalize(body.nationalId()));
      return onSuccess(registry.register(id, identity), reply -> {
        var view = new RegistrationView(id, VERIFIED);
        if (reply instanceof KycRecord.RegisterReply.Created) {
          return respondWithHeader(Location.create("/api/subjects/" + id), () -> json(StatusCodes.CREATED, view));
        }
        if (reply instanceof KycRecord.RegisterReply.AlreadyRegistered) {
          return json(StatusCodes.OK, view);
        }
        if (reply instanceof KycRecord.RegisterReply.Conflict) {
          return error(StatusCodes.CONFLICT, "subjectId", "is already registered with other identity data");
        }
        return error(StatusCodes.GONE, "subjectId", "was erased and cannot be registered again");
      });
    });
  }

  private Route lookup(String subjectId) {
    return onSuccess(registry.lookup(subjectId), lookup -> {
      if (lookup instanceof SubjectRegistry.Lookup.Found found) {
        var identity = found.identity();
        return json(StatusCodes.OK, new SubjectView(
            subjectId, identity.fullName(), NationalId.format(identity.nationalId()), VERIFIED));
      }
      if (lookup instanceof SubjectRegistry.Lookup.Gone) {
        return error(StatusCodes.GONE, "subjectId", "was erased");
      }
      return error(StatusCodes.NOT_FOUND, "subjectId", "has no KYC record");
    });
  }

  private Route erase(String subjectId) {
    return onSuccess(registry.erase(subjectId), done -> complete(StatusCodes.NO_CONTENT));
  }

  private Route withSubjectId(String rawId, Function<String, Route> inner) {
    return SubjectId.parse(rawId)
        .map(inner)
        .orElseGet(() -> invalid(List.of(new FieldError("subjectId", "must be a UUID"))));
  }
}
