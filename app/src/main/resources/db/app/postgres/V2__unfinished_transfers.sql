-- The transfers not yet finished, oldest change first: what UnfinishedTransfers wakes up. Partial,
-- so it stays as small as the number of transfers under way however long the history grows.
CREATE INDEX transfer_history_unfinished ON transfer_history (updated_at)
  WHERE status NOT IN ('completed', 'rejected');
