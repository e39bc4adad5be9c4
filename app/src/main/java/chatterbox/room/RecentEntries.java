package chatterbox.room;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import scala.collection.immutable.HashMap;
import scala.collection.immutable.HashMap$;
import scala.collection.immutable.Queue;
import scala.collection.immutable.Queue$;
import scala.jdk.javaapi.CollectionConverters;

import java.util.List;
import java.util.Optional;

/**
 * The latest entries of one kind that a room keeps to recognise a retry (posts with a nonce,
 * transfer notices), oldest first, at most a given number, each found by its key in constant time.
 *
 * <p>Immutable and persistent, like the wallet's {@code FinishedTransfers} (Scala's queue and hash
 * map, which Akka already brings): adding an entry shares all but a few nodes with the window
 * before. As lists, every transfer notice and every line with a nonce copied the whole window (up
 * to 1,000 entries, twice) and compared the new key with every entry: with all payments in one
 * room, that comparison alone was 8% of the app's CPU at the transfers peak.
 *
 * <p>In JSON (the room's snapshots) it is the plain array of entries, oldest first, as the lists were.
 */
final class RecentEntries<E extends RecentEntries.Keyed> {

  /** An entry that a window can hold: {@link #windowKey()} is what a retry is recognised by. */
  interface Keyed {
    Object windowKey();
  }

  private static final RecentEntries<?> NONE = new RecentEntries<>(Queue$.MODULE$.empty(), HashMap$.MODULE$.empty(), 0);

  private final Queue<E> oldestFirst;
  private final HashMap<Object, E> byKey;
  private final int size; // Scala's Queue counts its elements one by one

  private RecentEntries(Queue<E> oldestFirst, HashMap<Object, E> byKey, int size) {
    this.oldestFirst = oldestFirst;
    this.byKey = byKey;
    this.size = size;
  }

  @SuppressWarnings("unchecked")
  static <E extends Keyed> RecentEntries<E> none() {
    return (RecentEntries<E>) NONE;
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static <E extends Keyed> RecentEntries<E> of(List<E> oldestFirst) {
    RecentEntries<E> entries = none();
    for (var entry : oldestFirst) entries = entries.add(entry, Integer.MAX_VALUE);
    return entries;
  }

  Optional<E> find(Object key) {
    var found = byKey.get(key);
    return found.isDefined() ? Optional.of(found.get()) : Optional.empty();
  }

  /** These entries with {@code entry} added as the newest, the oldest ones beyond {@code capacity} forgotten. */
  RecentEntries<E> add(E entry, int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    var queue = oldestFirst.enqueue(entry);
    var map = byKey.updated(entry.windowKey(), entry);
    int count = size + 1;
    for (; count > capacity; count--) {
      var dequeued = queue.dequeue();
      queue = dequeued._2();
      var oldest = dequeued._1();
      // A key held again by a newer entry stays: it is the newer one's now.
      if (map.get(oldest.windowKey()).contains(oldest)) map = map.removed(oldest.windowKey());
    }
    return new RecentEntries<>(queue, map, count);
  }

  @JsonValue
  List<E> oldestFirst() {
    return List.copyOf(CollectionConverters.asJava(oldestFirst));
  }

  int size() {
    return size;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RecentEntries<?> that && oldestFirst.equals(that.oldestFirst);
  }

  @Override
  public int hashCode() {
    return oldestFirst.hashCode();
  }

  @Override
  public String toString() {
    return "RecentEntries" + oldestFirst();
  }
}
