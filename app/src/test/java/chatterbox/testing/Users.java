package chatterbox.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Signs people up and logs them in through the public API. */
public final class Users {

  /** A registered, logged-in person. */
  public record LoggedIn(TestPeople.Person person, String token) {
    public String username() {
      return person.username();
    }
  }

  private Users() {}

  public static LoggedIn signUpAndLogIn(ApiClient api, String prefix) {
    var person = TestPeople.person(TestPeople.uniqueName(prefix));
    var created = api.post("/api/users", person.signUpBody(), null);
    assertEquals(201, created.status(), created.toString());
    return logIn(api, person);
  }

  /** A new session of someone signed up already. */
  public static LoggedIn logIn(ApiClient api, LoggedIn user) {
    return logIn(api, user.person());
  }

  private static LoggedIn logIn(ApiClient api, TestPeople.Person person) {
    var login = api.post("/api/sessions", person.loginBody(), null);
    assertEquals(201, login.status(), login.toString());
    return new LoggedIn(person, login.text("token"));
  }

  public static String balance(ApiClient api, LoggedIn user) {
    var me = api.get("/api/me", user.token());
    assertEquals(200, me.status(), me.toString());
    return me.text("balance");
  }
}
