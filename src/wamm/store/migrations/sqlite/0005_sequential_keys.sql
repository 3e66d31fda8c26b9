-- wamm schema v5: no index on random-looking strings. A wamid carries its message's sequence
-- number (see core/ids.py), so messages are found by primary key and webhook deliveries by
-- the message sequence; the wamid columns stay for checking, without indexes.
CREATE TABLE messages_v5 (
    seq INTEGER PRIMARY KEY, wamid TEXT NOT NULL, phone_number_id TEXT NOT NULL,
    waba_id TEXT NOT NULL, recipient_phone TEXT, recipient_bsuid TEXT, route TEXT NOT NULL,
    status TEXT NOT NULL, created_at REAL NOT NULL, data BLOB NOT NULL,
    counts_marketing INTEGER NOT NULL DEFAULT 0
);
INSERT INTO messages_v5 (seq, wamid, phone_number_id, waba_id, recipient_phone, recipient_bsuid,
    route, status, created_at, data, counts_marketing)
    SELECT seq, wamid, phone_number_id, waba_id, recipient_phone, recipient_bsuid, route, status,
    created_at, data, counts_marketing FROM messages;
DROP TABLE messages;
ALTER TABLE messages_v5 RENAME TO messages;
CREATE INDEX messages_by_phone_number ON messages (phone_number_id, seq);
CREATE INDEX messages_by_recipient ON messages (recipient_phone, seq);
CREATE INDEX messages_by_waba ON messages (waba_id, created_at);
CREATE INDEX messages_marketing ON messages (recipient_phone, created_at) WHERE counts_marketing = 1;
DROP INDEX outbox_by_wamid;
ALTER TABLE outbox ADD COLUMN message_seq INTEGER;
CREATE INDEX outbox_by_message ON outbox (message_seq);
