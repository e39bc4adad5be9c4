-- The last journal offset each read model applied, written by the projection's handler in the
-- batch's own transaction (ProjectionFence): a second instance of the projection (a thawed node's
-- stale one) finds its batch already applied here and fails it instead of applying it twice.
CREATE TABLE read_model_fence (
  projection_id VARCHAR(255) PRIMARY KEY,
  last_offset BIGINT NOT NULL
);
