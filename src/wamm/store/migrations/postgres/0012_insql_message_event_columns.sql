-- wamm schema v12 for PostgreSQL (branch insql): what template analytics count, as columns, so
-- that they are counted by one indexed GROUP BY instead of decoding every message of the range:
-- the template id, the pricing category, whether the send was inside the service window or a
-- free entry point window, and the time and the day (00:00 UTC) of each planned status event
-- (at most one of each).
ALTER TABLE messages ADD COLUMN template_id TEXT;
ALTER TABLE messages ADD COLUMN pricing_category TEXT;
ALTER TABLE messages ADD COLUMN in_window INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN entry_point INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN sent_at DOUBLE PRECISION;
ALTER TABLE messages ADD COLUMN sent_day BIGINT;
ALTER TABLE messages ADD COLUMN delivered_at DOUBLE PRECISION;
ALTER TABLE messages ADD COLUMN delivered_day BIGINT;
ALTER TABLE messages ADD COLUMN read_at DOUBLE PRECISION;
ALTER TABLE messages ADD COLUMN read_day BIGINT;
UPDATE messages SET
    template_id = doc ->> 'template_id',
    pricing_category = doc ->> 'pricing_category',
    in_window = CASE WHEN (doc ->> 'in_window')::boolean THEN 1 ELSE 0 END,
    entry_point = CASE WHEN doc ->> 'entry_point_until' IS NOT NULL THEN 1 ELSE 0 END,
    sent_at = (SELECT (e ->> 0)::double precision FROM jsonb_array_elements(doc -> 'events') AS e
        WHERE e ->> 1 = 'sent'),
    delivered_at = (SELECT (e ->> 0)::double precision
        FROM jsonb_array_elements(doc -> 'events') AS e WHERE e ->> 1 = 'delivered'),
    read_at = (SELECT (e ->> 0)::double precision FROM jsonb_array_elements(doc -> 'events') AS e
        WHERE e ->> 1 = 'read')
FROM (SELECT seq AS doc_seq, convert_from(data, 'UTF8')::jsonb AS doc FROM messages) AS docs
WHERE messages.seq = docs.doc_seq;
-- The day of a time: its quotient by 86,400 floored, one less where the division rounded up.
UPDATE messages SET
    sent_day = (floor(sent_at / 86400)::bigint
        - CASE WHEN sent_at < floor(sent_at / 86400) * 86400 THEN 1 ELSE 0 END) * 86400,
    delivered_day = (floor(delivered_at / 86400)::bigint
        - CASE WHEN delivered_at < floor(delivered_at / 86400) * 86400 THEN 1 ELSE 0 END) * 86400,
    read_day = (floor(read_at / 86400)::bigint
        - CASE WHEN read_at < floor(read_at / 86400) * 86400 THEN 1 ELSE 0 END) * 86400;
-- Template analytics walk this index (it covers every column they read), grouped in its order.
-- It replaces the narrower index of v10.
DROP INDEX messages_by_waba_template;
CREATE INDEX messages_template_days ON messages (
    waba_id, template_name, route, template_id, pricing_category, in_window, entry_point,
    sent_day, delivered_day, read_day, created_at, sent_at, delivered_at, read_at
);
-- The message list's recipient filter walks the phone index and this one (a BSUID), newest
-- first; its route filter walks the route index: a filter matching few or no messages no longer
-- reads every stored message.
CREATE INDEX messages_by_bsuid ON messages (recipient_bsuid, seq) WHERE recipient_bsuid IS NOT NULL;
CREATE INDEX messages_by_route ON messages (route, seq);
-- The webhook log filtered on a state, newest first: without it the matches (millions of
-- pending or delivered rows) were sorted for every page.
CREATE INDEX outbox_by_state ON outbox (state, id);
