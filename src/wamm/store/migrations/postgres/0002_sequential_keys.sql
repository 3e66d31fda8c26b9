-- wamm schema v2 for PostgreSQL: no index on random-looking strings. A wamid carries its
-- message's sequence number (see core/ids.py), so messages are found by primary key and
-- webhook deliveries by the message sequence.
ALTER TABLE messages DROP CONSTRAINT messages_wamid_key;
DROP INDEX outbox_by_wamid;
ALTER TABLE outbox ADD COLUMN message_seq BIGINT;
CREATE INDEX outbox_by_message ON outbox (message_seq);
