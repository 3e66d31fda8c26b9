-- wamm schema v8: each outbox row names what it keeps its place behind (`order_key`: its
-- message, or its WABA's field, to its app) and which process leases it (`lease_owner`). A
-- row is claimed only when no earlier row of its key is unfinished; the partial index keeps
-- that check to the unfinished rows.
ALTER TABLE outbox ADD COLUMN order_key TEXT;
ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
UPDATE outbox SET order_key = CASE
    WHEN message_seq IS NOT NULL THEN app_id || '/' || message_seq
    WHEN wamid IS NULL THEN app_id || '/' || waba_id || '/' || field
    END
    WHERE state IN ('pending', 'inflight');
CREATE INDEX outbox_unfinished_by_order ON outbox (order_key, due_at)
    WHERE state IN ('pending', 'inflight');
