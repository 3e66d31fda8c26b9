-- wamm schema v8 for PostgreSQL: the messages users send to business numbers, kept so that the
-- business can mark them as read (and show a typing indicator) by their wamid.
CREATE TABLE inbound_messages (
    seq BIGINT PRIMARY KEY,
    wamid TEXT NOT NULL UNIQUE,
    phone_number_id TEXT NOT NULL,
    waba_id TEXT NOT NULL,
    user_phone TEXT NOT NULL,
    received_at DOUBLE PRECISION NOT NULL,
    read_at DOUBLE PRECISION,
    typing_at DOUBLE PRECISION,
    data BYTEA NOT NULL
);
CREATE INDEX inbound_by_conversation ON inbound_messages (phone_number_id, user_phone, seq);
