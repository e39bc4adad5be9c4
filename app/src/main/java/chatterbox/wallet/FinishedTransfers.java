package chatterbox.wallet;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import scala.collection.immutable.HashSet;
import scala.collection.immutable.HashSet$;
import scala.collection.immutable.Queue;
import scala.collection.immutable.Queue$;
import scala.jdk.javaapi.CollectionConverters;

import java.util.List;

/**
 * The ids of the transfers a wallet finished most recently, oldest first, at most a given number
 * of them: what lets a wallet recognise a step it has already carried out when that step is
 * delivered again. Immutable, because it is part of the wallet's state, which snapshots serialize
 * while the wallet goes on.
 *
 * <p>Built on persistent collections (Scala's, which Akka already brings): adding an id shares
 * everything but a few nodes with the previous value, instead of copying the whole window. With a
 * full window of 10,000 ids, a copy cost every credit and settle hundreds of kilobytes of garbage,
 * and the treasury, which takes part in every deposit and sign-up grant, has a full window for good.
 *
 * <p>In JSON it is the plain array of ids, oldest first.
 */
public final class FinishedTransfers {

  public static final FinishedTransfers NONE =
      new FinishedTransfers(Queue$.MODULE$.<String>empty(), HashSet$.MODULE$.<String>empty());

  private final Queue<String> oldestFirst;
  private final HashSet<String> ids;

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static FinishedTransfers of(List<String> oldestFirst) {
    var finished = NONE;
    for (var id : oldestFirst) finished = finished.add(id, Integer.MAX_VALUE);
    return finished;
  }

  private FinishedTransfers(Queue<String> oldestFirst, HashSet<String> ids) {
    this.oldestFirst = oldestFirst;
    this.ids = ids;
  }

  public boolean contains(String transferId) {
    return ids.contains(transferId);
  }

  /**
   * These ids with {@code transferId} added as the newest, forgetting the oldest ones beyond
   * {@code capacity}. An id already present keeps its place.
   */
  public FinishedTransfers add(String transferId, int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    var queue = oldestFirst;
    var set = ids;
    if (!set.contains(transferId)) {
      queue = queue.enqueue(transferId);
      set = set.incl(transferId);
    }
    while (set.size() > capacity) {
      var dequeued = queue.dequeue();
      queue = dequeued._2();
      set = set.excl(dequeued._1());
    }
    return queue == oldestFirst ? this : new FinishedTransfers(queue, set);
  }

  @JsonValue
  public List<String> oldestFirst() {
    return List.copyOf(CollectionConverters.asJava(oldestFirst));
  }

  public int size() {
    return ids.size();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FinishedTransfers that && oldestFirst.equals(that.oldestFirst);
  }

  @Override
  public int hashCode() {
    return oldestFirst.hashCode();
  }

  @Override
  public String toString() {
    return "FinishedTransfers" + oldestFirst();
  }
}
