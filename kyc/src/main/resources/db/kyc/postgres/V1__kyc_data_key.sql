-- Each KYC subject's data key, wrapped (AES-256-GCM) by the master key. The one mutable table of the
-- KYC service, and deliberately so: deleting a subject's row is its erasure (crypto-shredding), after
-- which the ciphertext in the immutable journal can never be decrypted again. A row is created once and
-- deleted once, never updated.
-- Operations note: a deleted row lingers in dead tuples until (auto)vacuum and in WAL archives and
-- backups until they expire; their retention bounds how long an erasure takes to become complete.
CREATE TABLE kyc_data_key (
  subject_id  VARCHAR(36) PRIMARY KEY,
  wrapped_key BYTEA       NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
