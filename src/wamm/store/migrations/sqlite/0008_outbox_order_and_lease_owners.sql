-- wamm schema v8: webhook rows of non-message fields name what they keep their place
-- behind (`order_key`: that field of their WABA, to their app; message updates go by
-- `message_seq`), and a leased row names the process holding it (`lease_owner`).
-- A row is claimed only when no earlier row of its message or key is unfinished; the partial
-- index keeps that check to the unfinished rows that have a key.
ALTER TABLE outbox ADD COLUMN order_key TEXT;
ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
UPDATE outbox SET order_key = app_id || '/' || waba_id || '/' || field
    WHERE wamid IS NULL AND state IN ('pending', 'inflight');
CREATE INDEX outbox_unfinished_by_order ON outbox (order_key)
    WHERE order_key IS NOT NULL AND state IN ('pending', 'inflight');
