package chatterbox.testing;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Made-up people with valid sign-up data, distinct enough to be found by a scan. */
public final class TestPeople {

  private static final String[] GIVEN = {"Amani", "Neema", "Baraka", "Zawadi", "Juma", "Rehema", "Imani", "Faraja"};
  private static final String[] FAMILY = {"Mwakyusa", "Kimaro", "Shirima", "Massawe", "Lyimo", "Njau", "Mushi", "Temba"};
  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";

  /** A person: a unique full name and a national ID (20 digits, dashed), and a PIN that passes the policy. */
  public record Person(String username, String fullName, String nationalId, String pin) {

    public Map<String, String> signUpBody() {
      return Map.of("username", username, "fullName", fullName, "nationalId", nationalId, "pin", pin);
    }

    public Map<String, String> loginBody() {
      return Map.of("username", username, "pin", pin);
    }

    /** The national ID as the KYC system keeps it. */
    public String nationalIdDigits() {
      return nationalId.replace("-", "");
    }
  }

  private TestPeople() {}

  public static Person person(String username) {
    var random = ThreadLocalRandom.current();
    var suffix = new StringBuilder();
    for (int i = 0; i < 8; i++) suffix.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
    var fullName = GIVEN[random.nextInt(GIVEN.length)] + " " + Character.toUpperCase(suffix.charAt(0))
        + suffix.substring(1) + " " + FAMILY[random.nextInt(FAMILY.length)];
    var birth = String.format("%04d%02d%02d", 1960 + random.nextInt(40), 1 + random.nextInt(12), 1 + random.nextInt(28));
    var rest = String.format("%012d", random.nextLong(1_000_000_000_000L));
    var nationalId = birth + "-" + rest.substring(0, 5) + "-" + rest.substring(5, 10) + "-" + rest.substring(10);
    return new Person(username, fullName, nationalId, "4826");
  }

  /** A username no other test run uses, from {@code prefix}. */
  public static String uniqueName(String prefix) {
    return prefix + "_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
  }
}
