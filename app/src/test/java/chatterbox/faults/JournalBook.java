package chatterbox.faults;

import chatterbox.platform.http.Json;
import chatterbox.platform.persistence.Database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The books as the journal has them at one instant: every wallet event, read in one REPEATABLE
 * READ transaction (a single snapshot of everything committed), folded into balances and per
 * transfer steps. The journal is the source of truth and the snapshot is a consistent cut (a
 * credit is committed only after its debit was), so this is the atomic "read all balances" of
 * Jepsen's bank test, in a system with no transaction across wallets.
 */
final class JournalBook {

  private static final String TREASURY = "@treasury";

  /** The steps one transfer took, by wallet events. */
  static final class Steps {
    String payer;
    String payee;
    long amount;
    int debited;
    int held; // journals before 6 December 2026 debited into a hold
    int credited;
    int settled;
    int refunded;
    int refused;

    /** The payer's debits, with or without a hold. */
    int debits() {
      return debited + held;
    }

    boolean inTransit() {
      return debits() > 0 && credited == 0 && refunded == 0;
    }

    boolean holdOpen() {
      return held > 0 && settled == 0 && refunded == 0;
    }

    boolean unfinished() {
      return inTransit() || holdOpen();
    }
  }

  final Map<String, Long> balances = new HashMap<>();
  final Map<String, Steps> transfers = new HashMap<>();
  /** Every moment a user's balance went below zero, in journal order: should stay empty. */
  final List<String> negatives = new ArrayList<>();
  long events;

  static JournalBook read(Database database) {
    try (var connection = DriverManager.getConnection(database.connectionUrl(), database.user(), database.password())) {
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      var book = new JournalBook();
      try (var rows = connection.createStatement().executeQuery(
          "SELECT event_ser_manifest, event_payload FROM event_journal"
              + " WHERE persistence_id LIKE 'Wallet|%' AND NOT deleted ORDER BY persistence_id, sequence_number")) {
        while (rows.next()) book.apply(rows.getString(1), rows.getBytes(2));
      }
      connection.commit();
      return book;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void apply(String manifest, byte[] payload) {
    var kind = manifest.substring(manifest.lastIndexOf('$') + 1);
    try {
      var event = Json.MAPPER.readTree(payload);
      var wallet = event.path("walletId").asText();
      var steps = transfers.computeIfAbsent(event.path("transferId").asText(), id -> new Steps());
      long amount = event.path("amount").asLong();
      events++;
      switch (kind) {
        case "FundsDebited" -> {
          steps.payer = wallet;
          steps.amount = amount;
          steps.debited++;
          add(wallet, -amount);
        }
        case "FundsHeld" -> {
          steps.payer = wallet;
          steps.amount = amount;
          steps.held++;
          add(wallet, -amount);
        }
        case "FundsCredited" -> {
          steps.payee = wallet;
          steps.credited++;
          add(wallet, amount);
        }
        case "HoldSettled" -> steps.settled++;
        case "DebitRefused" -> steps.refused++; // nothing moved
        case "NothingHeld" -> { } // nothing moved
        case "HoldRefunded" -> {
          steps.refunded++;
          add(wallet, amount);
        }
        default -> throw new IllegalStateException("unknown wallet event " + manifest);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void add(String wallet, long delta) {
    long balance = balances.merge(wallet, delta, Long::sum);
    if (balance < 0 && !TREASURY.equals(wallet)) negatives.add(wallet + " at " + balance);
  }

  long userBalances() {
    return balances.entrySet().stream().filter(e -> !TREASURY.equals(e.getKey())).mapToLong(Map.Entry::getValue).sum();
  }

  long treasury() {
    return balances.getOrDefault(TREASURY, 0L);
  }

  /** Money debited from one wallet and not yet credited to the other nor refunded. */
  long inTransit() {
    return transfers.values().stream().filter(Steps::inTransit).mapToLong(s -> s.amount).sum();
  }

  /** All money is where it should be: wallets plus money on its way add up to zero (the treasury is minus what entered). */
  boolean conserved() {
    return userBalances() + treasury() + inTransit() == 0;
  }

  /** What a failed settle check shows: the transfers still open and how each got there. */
  @Override
  public String toString() {
    var open = transfers.entrySet().stream()
        .filter(e -> e.getValue().unfinished())
        .limit(10)
        .map(e -> e.getKey() + " (" + e.getValue().payer + " -> " + e.getValue().payee + ", " + e.getValue().amount
            + ": debited " + e.getValue().debited + ", held " + e.getValue().held + ", credited " + e.getValue().credited + ", refused " + e.getValue().refused + ")")
        .toList();
    return "journal book: " + openHolds() + " open hold(s), " + inTransit() + " in transit, e.g. " + open;
  }

  /**
   * Writes every journal row of the transfers still open and of their wallets (sequence number,
   * writer incarnation, time, event), for explaining a failed settle check after the schema is gone.
   */
  void dumpOpen(Database database, java.nio.file.Path file) {
    var open = transfers.entrySet().stream()
        .filter(e -> e.getValue().unfinished())
        .limit(10).toList();
    var ids = new java.util.LinkedHashSet<String>();
    for (var transfer : open) {
      ids.add("Transfer|" + transfer.getKey());
      ids.add("Wallet|" + transfer.getValue().payer);
      if (transfer.getValue().payee != null) ids.add("Wallet|" + transfer.getValue().payee);
    }
    var out = new StringBuilder(toString()).append('\n');
    try (var connection = DriverManager.getConnection(database.connectionUrl(), database.user(), database.password());
         var query = connection.prepareStatement("SELECT persistence_id, sequence_number, writer, write_timestamp,"
             + " event_ser_manifest, convert_from(event_payload, 'UTF8') FROM event_journal WHERE persistence_id = ?"
             + " ORDER BY sequence_number")) {
      for (var id : ids) {
        out.append("\n== ").append(id).append('\n');
        query.setString(1, id);
        try (var rows = query.executeQuery()) {
          while (rows.next()) {
            var manifest = rows.getString(5);
            out.append(rows.getLong(2)).append(' ').append(rows.getString(3)).append(' ')
                .append(java.time.Instant.ofEpochMilli(rows.getLong(4))).append(' ')
                .append(manifest.substring(manifest.lastIndexOf('$') + 1)).append(' ').append(rows.getString(6)).append('\n');
          }
        }
      }
      java.nio.file.Files.writeString(file, out);
    } catch (SQLException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Transfers whose hold is still open (neither settled nor refunded): zero once everything settled. */
  long openHolds() {
    return transfers.values().stream().filter(Steps::holdOpen).count();
  }
}
