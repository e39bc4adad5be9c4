package chatterbox.room;

/**
 * The seqs one page of a room's history covers, {@code from} to {@code to} inclusive (empty when
 * {@code from > to}), and whether entries exist beyond it in the direction of paging: older ones
 * for the latest page and {@code before}, newer ones (up to {@code lastSeq}) for {@code after}.
 * Pure arithmetic, because a room's seqs are 1 to {@code lastSeq} without gaps.
 */
record HistoryRange(long from, long to, boolean hasMore) {

  /**
   * @param before null, or the page ends right before this seq (at least 1)
   * @param after  null, or the page starts right after this seq (0: from the first); not with {@code before}
   */
  static HistoryRange of(long lastSeq, Long before, Long after, int limit) {
    if (limit < 1) throw new IllegalArgumentException("limit must be at least 1: " + limit);
    if (before != null && after != null) throw new IllegalArgumentException("before and after exclude each other");
    if (after != null) {
      if (after >= lastSeq) return new HistoryRange(lastSeq + 1, lastSeq, false); // nothing newer
      long to = Math.min(lastSeq, after + limit);
      return new HistoryRange(after + 1, to, to < lastSeq);
    }
    long to = before == null ? lastSeq : Math.min(lastSeq, before - 1);
    long from = Math.max(1, to - limit + 1);
    return new HistoryRange(from, to, from > 1);
  }

  boolean isEmpty() {
    return from > to;
  }
}
