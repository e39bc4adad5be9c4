package chatterbox.wallet;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * The ids of the transfers a wallet finished most recently, oldest first, at most a given number
 * of them: what lets a wallet recognise a step it has already carried out when that step is
 * delivered again. Immutable, because it is part of the wallet's state, which snapshots serialize
 * while the wallet goes on; adding copies, which is cheap next to a journal write.
 *
 * <p>In JSON it is the plain array of ids, oldest first.
 */
public final class FinishedTransfers {

  public static final FinishedTransfers NONE = new FinishedTransfers(List.of());

  private final LinkedHashSet<String> ids;

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public FinishedTransfers(List<String> oldestFirst) {
    this(new LinkedHashSet<>(oldestFirst));
  }

  private FinishedTransfers(LinkedHashSet<String> ownedIds) {
    this.ids = ownedIds;
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
    var kept = new LinkedHashSet<>(ids);
    kept.add(transferId);
    var oldest = kept.iterator();
    for (int excess = kept.size() - capacity; excess > 0; excess--) {
      oldest.next();
      oldest.remove();
    }
    return new FinishedTransfers(kept);
  }

  @JsonValue
  public List<String> oldestFirst() {
    return List.copyOf(ids);
  }

  public int size() {
    return ids.size();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FinishedTransfers that && oldestFirst().equals(that.oldestFirst());
  }

  @Override
  public int hashCode() {
    return oldestFirst().hashCode();
  }

  @Override
  public String toString() {
    return "FinishedTransfers" + ids;
  }
}
