-- The transfers not yet finished, oldest change first: what UnfinishedTransfers wakes up
-- (H2 has no partial indexes; PostgreSQL's version is partial).
CREATE INDEX transfer_history_unfinished ON transfer_history (status, updated_at);
