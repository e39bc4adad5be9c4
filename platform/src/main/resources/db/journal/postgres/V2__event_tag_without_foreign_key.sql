-- The tag rows' foreign key to their event goes. PostgreSQL checks it for every tag row inserted by
-- locking the referenced event row (FOR KEY SHARE): a second write to each tagged journal row, its
-- own WAL record (5% of the WAL of the transfers benchmark, as many lock records as tag rows) and a
-- trigger's query per row, for a guarantee the journal's writer already gives: MultiRowJournalDao
-- inserts the tag rows from the RETURNING of their events' insert, in the same statement. Its
-- ON DELETE CASCADE served event deletion, which no entity here does (the journal is the history);
-- a tag row left by one would be inert, as the tag queries join it to its event.
ALTER TABLE event_tag DROP CONSTRAINT fk_event_journal;
