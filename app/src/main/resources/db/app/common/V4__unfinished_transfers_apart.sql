-- The transfers not yet finished, oldest change first: what UnfinishedTransfers wakes up. Kept in
-- a table of their own (a row while a transfer is under way, deleted when it completes or is
-- rejected) instead of an index on transfer_history's status and updated_at: a stage change then
-- touches no indexed column of transfer_history, so PostgreSQL can update the row in place on its
-- page (a HOT update) instead of adding an entry to each of its indexes and leaving them to vacuum.
CREATE TABLE transfer_unfinished (
  transfer_id VARCHAR(64) PRIMARY KEY,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX transfer_unfinished_by_update ON transfer_unfinished (updated_at);

INSERT INTO transfer_unfinished (transfer_id, updated_at)
  SELECT transfer_id, updated_at FROM transfer_history WHERE status NOT IN ('completed', 'rejected');

DROP INDEX transfer_history_unfinished;
