-- Read models of the app, fed by akka-projection-jdbc from the event journal. The entities are
-- the source of truth; these tables answer queries (history, ledger) and can be rebuilt.

-- Offsets and management state of akka-projection-jdbc (its documented DDL, lower case).
CREATE TABLE "akka_projection_offset_store" (
  "projection_name" VARCHAR(255) NOT NULL,
  "projection_key" VARCHAR(255) NOT NULL,
  "current_offset" VARCHAR(255) NOT NULL,
  "manifest" VARCHAR(4) NOT NULL,
  "mergeable" BOOLEAN NOT NULL,
  "last_updated" BIGINT NOT NULL,
  PRIMARY KEY ("projection_name", "projection_key")
);
CREATE INDEX "projection_name_index" ON "akka_projection_offset_store" ("projection_name");

CREATE TABLE "akka_projection_management" (
  "projection_name" VARCHAR(255) NOT NULL,
  "projection_key" VARCHAR(255) NOT NULL,
  "paused" BOOLEAN NOT NULL,
  "last_updated" BIGINT NOT NULL,
  PRIMARY KEY ("projection_name", "projection_key")
);

-- One row per transfer (payments, deposits, withdrawals), with its latest status.
CREATE TABLE transfer_history (
  transfer_id VARCHAR(64) PRIMARY KEY,
  kind VARCHAR(16) NOT NULL,
  sender VARCHAR(40) NOT NULL,
  recipient VARCHAR(40) NOT NULL,
  amount BIGINT NOT NULL CHECK (amount > 0),
  status VARCHAR(16) NOT NULL,
  reason VARCHAR(200),
  requested_at TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX transfer_history_by_sender ON transfer_history (sender, requested_at);
CREATE INDEX transfer_history_by_recipient ON transfer_history (recipient, requested_at);

-- Each wallet's balance as its events last said (for the ledger's totals).
CREATE TABLE wallet_balance (
  wallet_id VARCHAR(40) PRIMARY KEY,
  balance BIGINT NOT NULL,
  held BIGINT NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
