-- Room on each page for a transfer's next stage: an in-place (HOT) update needs free space on the
-- row's own page, and most transfers change stage once or twice within a second of being written,
-- while their page is still the one being filled. At 60, 79% of the stage changes in the transfers
-- benchmark were HOT (30% at 85; docs/performance.md, Change 30). Applies to pages written from now on.
ALTER TABLE transfer_history SET (fillfactor = 60);
