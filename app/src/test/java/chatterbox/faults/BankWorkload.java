package chatterbox.faults;

import chatterbox.testing.AppNodeProcess;
import chatterbox.testing.Chatter;
import chatterbox.testing.DefinitePayment;
import chatterbox.testing.Users;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The clients of the bank test: workers that each favour one node and pay between random users
 * (some with a wrong PIN, some sent twice with the same transfer id), and chatters that post in
 * general. Every request is retried on live nodes until its outcome is definite; what each got is
 * recorded for the checks.
 */
final class BankWorkload {

  /** One payment as the client saw it. {@code status} 0: no definite answer within the limit. */
  record Outcome(String transferId, String payer, String payee, long amount, boolean wrongPin, int status) {
    boolean completed() {
      return status == 201;
    }
  }

  /** A payment sent again with the same id whose answer differed from the first one. */
  record Inconsistency(String transferId, int first, int again) {}

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration GIVE_UP = Duration.ofSeconds(120);
  private static final Duration BEAT = Duration.ofMillis(500);

  private final List<Users.LoggedIn> users;
  private final Supplier<List<AppNodeProcess>> live;
  private final long seed;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  final Queue<Inconsistency> inconsistencies = new ConcurrentLinkedQueue<>();
  final Queue<String> acknowledgedMessages = new ConcurrentLinkedQueue<>();
  final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

  BankWorkload(List<Users.LoggedIn> users, Supplier<List<AppNodeProcess>> live, long seed) {
    this.users = users;
    this.live = live;
    this.seed = seed;
  }

  void start(int payers, List<Chatter> chatters) {
    for (int i = 0; i < payers; i++) {
      int worker = i;
      spawn("payer-" + i, () -> payLoop(worker, new Random(seed + worker)));
    }
    for (int i = 0; i < chatters.size(); i++) {
      var chatter = chatters.get(i);
      int index = i;
      spawn("chatter-" + i, () -> chatLoop(chatter, index));
    }
  }

  /** Stops the clients; each finishes (retries to a definite outcome) what it has in hand. */
  void stop() {
    running.set(false);
    for (var thread : threads) {
      try {
        thread.join(GIVE_UP.toMillis() + 30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  long definiteTransfers() {
    return outcomes.stream().filter(o -> o.status() != 0).count();
  }

  private void spawn(String name, Runnable loop) {
    var thread = new Thread(() -> {
      try {
        loop.run();
      } catch (Throwable t) {
        failures.add(t);
      }
    }, "bank-" + name);
    thread.setDaemon(true);
    threads.add(thread);
    thread.start();
  }

  private void payLoop(int worker, Random random) {
    long n = 0;
    while (running.get()) {
      var payer = users.get(random.nextInt(users.size()));
      var payee = users.get(random.nextInt(users.size()));
      if (payer == payee) continue;
      boolean wrongPin = random.nextInt(100) < 3;
      long cents = 1 + random.nextInt(20_000);
      var id = "bank-" + seed + "-" + worker + "-" + n++;
      var pin = wrongPin ? otherPin(payer.person().pin()) : payer.person().pin();
      var body = DefinitePayment.body(id, payee.username(), cents, pin);
      int status = pay(body, payer, worker);
      outcomes.add(new Outcome(id, payer.username(), payee.username(), cents, wrongPin, status));
      if ((status == 201 || status == 422) && random.nextInt(100) < 10) {
        int again = pay(body, payer, worker);
        if (again != status) inconsistencies.add(new Inconsistency(id, status, again));
      }
    }
  }

  /** The definite status of a payment, or 0 when none came; favours the worker's own node. */
  int pay(Map<String, String> body, Users.LoggedIn payer, int favourite) {
    var reply = DefinitePayment.send(body, payer.token(), () -> rotated(live.get(), favourite), REQUEST_TIMEOUT, GIVE_UP);
    return reply == null ? 0 : reply.status();
  }

  private void chatLoop(Chatter chatter, int index) {
    long n = 0;
    while (running.get()) {
      var nonce = "bank-chat-" + index + "-" + n++;
      chatter.say("line " + n + " from " + index, nonce, live, GIVE_UP);
      acknowledgedMessages.add(nonce);
      chatterbox.testing.Eventually.pause(Duration.ofMillis(300));
    }
    chatter.close();
  }

  static Duration beat() {
    return BEAT;
  }

  private static List<AppNodeProcess> rotated(List<AppNodeProcess> nodes, int by) {
    var copy = new ArrayList<>(nodes);
    if (!copy.isEmpty()) Collections.rotate(copy, -(by % copy.size()));
    return copy;
  }

  private static String otherPin(String pin) {
    return String.format("%04d", (Integer.parseInt(pin) + 1) % 10_000);
  }
}
