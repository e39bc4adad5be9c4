package chatterbox.kyc;

import chatterbox.platform.http.Json;
import chatterbox.platform.persistence.Database;
import chatterbox.platform.testing.TestPostgres;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The KYC service end to end: started through {@link KycService#start} on a fresh PostgreSQL
 * schema, spoken to over real HTTP, and its database searched for plaintext afterwards.
 */
class KycApiTest {

  private static final String TOKEN = "dev-only-kyc-api-test-token";

  // Every identity this test sends; none of it may ever reach the database in the clear.
  private static final Person AMINA = new Person("Amina Juma Mwakyusa", "19900215-12345-00001-23");
  private static final Person ZAWADI = new Person("Zawadi Neema Lyimo", "19780630-54321-00042-07");
  private static final Person HAMISI = new Person("Hamisi Omari Shaban", "20010109-11111-22222-33");
  private static final Person ESTHER = new Person("Esther Wambura Chacha", "19951224-67890-13579-24");
  private static final List<Person> EVERYONE = List.of(AMINA, ZAWADI, HAMISI, ESTHER);

  private static Database database;
  private static KycService kyc;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Person(String fullName, String nationalId) {
    String json() {
      return "{\"fullName\":\"" + fullName + "\",\"nationalId\":\"" + nationalId + "\"}";
    }

    String digits() {
      return nationalId.replace("-", "");
    }
  }

  @BeforeAll
  static void startKyc() {
    database = TestPostgres.freshDatabase("kyc_api");
    kyc = KycService.start(KycService.databaseConfig(database).withFallback(ConfigFactory.parseString("""
        kyc.http.host = "127.0.0.1"
        kyc.http.port = 0
        kyc.secrets.service-token = "%s"
        akka.remote.artery.canonical.port = 0
        """.formatted(TOKEN))));
  }

  @AfterAll
  static void stopKyc() {
    if (kyc != null) kyc.stop();
    if (database != null) TestPostgres.drop(database);
  }

  @Test
  void healthNeedsNoToken() throws Exception {
    var response = send(HttpRequest.newBuilder(uri("/health")).GET(), null);
    assertEquals(200, response.statusCode());
  }

  @Test
  void everyApiRouteNeedsTheServiceToken() throws Exception {
    var subject = newSubject();
    var noToken = send(HttpRequest.newBuilder(uri(path(subject))).GET(), null);
    var wrongToken = send(HttpRequest.newBuilder(uri(path(subject))).GET(), "dev-only-kyc-api-test-tokeX");
    var basic = send(HttpRequest.newBuilder(uri(path(subject))).GET().header("Authorization", "Basic " + TOKEN), null);
    var put = send(put(subject, AMINA.json()), "wrong");
    var delete = send(HttpRequest.newBuilder(uri(path(subject))).DELETE(), null);

    for (var response : List.of(noToken, wrongToken, basic, put, delete)) {
      assertEquals(401, response.statusCode(), response.body());
      assertEquals("authorization", json(response).path("errors").path(0).path("field").asText());
    }
    // Nothing was registered by the refused PUT.
    assertEquals(404, get(subject).statusCode());
  }

  @Test
  void invalidRegistrationNamesEveryBadField() throws Exception {
    var response = send(put("not-a-uuid", "{\"fullName\":\"R2-D2 <script>\",\"nationalId\":\"19901301-12345-00001-23\"}"), TOKEN);

    assertEquals(400, response.statusCode());
    assertEquals(Set.of("subjectId", "fullName", "nationalId"), errorFields(response));

    var subject = newSubject();
    var missing = send(put(subject, "{\"nationalId\":\"12345\"}"), TOKEN);
    assertEquals(400, missing.statusCode());
    assertEquals(Set.of("fullName", "nationalId"), errorFields(missing));
    assertEquals(404, get(subject).statusCode(), "an invalid request registers nothing");

    var wrongType = send(put(subject, "{\"fullName\":[\"Amina\"],\"nationalId\":\"19900215-12345-00001-23\"}"), TOKEN);
    assertEquals(400, wrongType.statusCode());
    var notJson = send(put(subject, "Amina, 19900215-12345-00001-23"), TOKEN);
    assertEquals(400, notJson.statusCode());
  }

  @Test
  void registrationIsIdempotentAndFirstDataWins() throws Exception {
    var subject = newSubject();

    var created = send(put(subject, AMINA.json()), TOKEN);
    assertEquals(201, created.statusCode(), created.body());
    assertEquals("/api/subjects/" + subject, created.headers().firstValue("Location").orElseThrow());
    assertEquals(subject, json(created).path("subjectId").asText());
    assertFalse(created.body().contains("Amina"), "no personal data is echoed back");

    // The same person written differently (extra spaces, ID without dashes) is the same data.
    var retried = send(put(subject,
        "{\"fullName\":\"  Amina   Juma Mwakyusa \",\"nationalId\":\"" + AMINA.digits() + "\"}"), TOKEN);
    assertEquals(200, retried.statusCode(), retried.body());

    var conflict = send(put(subject, ZAWADI.json()), TOKEN);
    assertEquals(409, conflict.statusCode());
    assertEquals(Set.of("subjectId"), errorFields(conflict));

    var found = get(subject);
    assertEquals(200, found.statusCode());
    assertEquals(AMINA.fullName(), json(found).path("fullName").asText(), "the first registration stays");
  }

  @Test
  void getReturnsTheDecryptedIdentity() throws Exception {
    var subject = newSubject();
    assertEquals(201, send(put(subject.toUpperCase(Locale.ROOT), "{\"fullName\":\"Hamisi  Omari Shaban\",\"nationalId\":\""
        + HAMISI.digits() + "\"}"), TOKEN).statusCode());

    var response = get(subject);

    assertEquals(200, response.statusCode());
    var body = json(response);
    assertEquals(subject, body.path("subjectId").asText());
    assertEquals(HAMISI.fullName(), body.path("fullName").asText());
    assertEquals(HAMISI.nationalId(), body.path("nationalId").asText(), "display form YYYYMMDD-NNNNN-NNNNN-NN");
    assertEquals("verified", body.path("status").asText());
    assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow());

    assertEquals(404, get(newSubject()).statusCode());
    assertEquals(400, send(HttpRequest.newBuilder(uri("/api/subjects/123")).GET(), TOKEN).statusCode());
  }

  @Test
  void erasureIsFinal() throws Exception {
    var subject = newSubject();
    assertEquals(201, send(put(subject, ZAWADI.json()), TOKEN).statusCode());
    assertEquals(1, keyRowsOf(subject));

    assertEquals(204, delete(subject).statusCode());

    assertEquals(0, keyRowsOf(subject), "the data key is shredded");
    assertEquals(410, get(subject).statusCode());
    assertEquals(410, send(put(subject, ZAWADI.json()), TOKEN).statusCode(), "erased data cannot come back");
    assertEquals(0, keyRowsOf(subject), "a refused registration leaves no key behind");
    assertEquals(204, delete(subject).statusCode(), "erasing again is fine");

    var neverRegistered = newSubject();
    assertEquals(204, delete(neverRegistered).statusCode());
    assertEquals(410, send(put(neverRegistered, ESTHER.json()), TOKEN).statusCode());
  }

  @Test
  void databaseHoldsNoPlaintextIdentity() throws Exception {
    var kept = newSubject();
    var erased = newSubject();
    assertEquals(201, send(put(kept, ESTHER.json()), TOKEN).statusCode());
    assertEquals(201, send(put(erased, HAMISI.json()), TOKEN).statusCode());
    assertEquals(204, delete(erased).statusCode());
    assertEquals(200, get(kept).statusCode());

    var tables = dumpSchema();

    // The dump really contains the journal and snapshots, payloads decoded from their bytes.
    assertTrue(tables.keySet().containsAll(Set.of("event_journal", "snapshot", "kyc_data_key")), tables.keySet().toString());
    assertTrue(tables.get("event_journal").contains(kept) && tables.get("event_journal").contains(erased));
    assertTrue(tables.get("event_journal").contains("\"ciphertext\""), "event payloads are read as text");
    assertTrue(tables.get("snapshot").contains(erased), "the erased record's tombstone is snapshotted");

    var everything = String.join("\n", tables.values()).toLowerCase(Locale.ROOT);
    for (var person : EVERYONE) {
      for (var needle : plaintextOf(person)) {
        assertFalse(everything.contains(needle.toLowerCase(Locale.ROOT)),
            "plaintext found in the database: " + needle);
      }
      for (var part : namePartsOf(person)) {
        assertFalse(asWord(part).matcher(everything).find(), "a part of a name found in the database: " + part);
      }
    }
  }

  /** The name and the national ID in every form, as a leak would write them. */
  private static List<String> plaintextOf(Person person) {
    var needles = new ArrayList<String>();
    needles.add(person.fullName());
    needles.add(person.nationalId());
    needles.add(person.digits());
    needles.add(person.digits().substring(8)); // the part after the date of birth
    return needles;
  }

  /** The parts of the name long enough to mean something alone. */
  private static List<String> namePartsOf(Person person) {
    return Arrays.stream(person.fullName().split(" ")).filter(part -> part.length() >= 4).toList();
  }

  /**
   * {@code word} standing alone, in any case: not inside a longer run of base64 characters, where
   * four letters turn up by chance (a base64 ciphertext read case-insensitively holds "juma" every
   * few hundred kilobytes), while any leak would write the name part between other characters.
   */
  private static Pattern asWord(String word) {
    return Pattern.compile("(?<![A-Za-z0-9+/])" + Pattern.quote(word.toLowerCase(Locale.ROOT)) + "(?![A-Za-z0-9+/])",
        Pattern.CASE_INSENSITIVE);
  }

  /** Every base table of the service's schema as text, bytea columns decoded as UTF-8. */
  private static Map<String, String> dumpSchema() throws SQLException {
    var dump = new LinkedHashMap<String, String>();
    try (Connection connection = DriverManager.getConnection(database.connectionUrl(), database.user(), database.password())) {
      var tables = new ArrayList<String>();
      try (var statement = connection.prepareStatement(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'")) {
        statement.setString(1, database.schema());
        try (var rows = statement.executeQuery()) {
          while (rows.next()) tables.add(rows.getString(1));
        }
      }
      for (var table : tables) {
        var text = new StringBuilder();
        try (var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT * FROM " + database.schema() + ".\"" + table + "\"")) {
          var meta = rows.getMetaData();
          while (rows.next()) {
            for (int column = 1; column <= meta.getColumnCount(); column++) {
              var type = meta.getColumnType(column);
              var binary = type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY || type == Types.BLOB;
              var bytes = binary ? rows.getBytes(column) : null;
              text.append(binary ? (bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8)) : rows.getString(column))
                  .append('\t');
            }
            text.append('\n');
          }
        }
        dump.put(table, text.toString());
      }
    }
    return dump;
  }

  private static int keyRowsOf(String subject) throws SQLException {
    try (var connection = DriverManager.getConnection(database.connectionUrl(), database.user(), database.password());
         var statement = connection.prepareStatement("SELECT count(*) FROM kyc_data_key WHERE subject_id = ?")) {
      statement.setString(1, subject);
      try (var rows = statement.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  private static String newSubject() {
    return UUID.randomUUID().toString();
  }

  private static String path(String subject) {
    return "/api/subjects/" + subject;
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + kyc.httpPort() + path);
  }

  private static HttpRequest.Builder put(String subject, String body) {
    return HttpRequest.newBuilder(uri(path(subject)))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body));
  }

  private static HttpResponse<String> get(String subject) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path(subject))).GET(), TOKEN);
  }

  private static HttpResponse<String> delete(String subject) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path(subject))).DELETE(), TOKEN);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request, String token) throws IOException, InterruptedException {
    if (token != null) request.header("Authorization", "Bearer " + token);
    return http.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return Json.MAPPER.readTree(response.body());
  }

  private static Set<String> errorFields(HttpResponse<String> response) throws IOException {
    var fields = new java.util.HashSet<String>();
    json(response).path("errors").forEach(error -> fields.add(error.path("field").asText()));
    return fields;
  }
}
