-- wamm schema v11: the messages users send to business numbers, kept so that the business can
-- mark them as read (and show a typing indicator) by their wamid.
CREATE TABLE inbound_messages (
    seq INTEGER PRIMARY KEY,
    wamid TEXT NOT NULL UNIQUE,
    phone_number_id TEXT NOT NULL,
    waba_id TEXT NOT NULL,
    user_phone TEXT NOT NULL,
    received_at REAL NOT NULL,
    read_at REAL,
    typing_at REAL,
    data BLOB NOT NULL
);
CREATE INDEX inbound_by_conversation ON inbound_messages (phone_number_id, user_phone, seq);
