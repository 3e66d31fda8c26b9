-- wamm schema v1: entities as JSON documents with key columns for lookups.
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE apps (id TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE businesses (id TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE wabas (id TEXT PRIMARY KEY, business_id TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE phone_numbers (id TEXT PRIMARY KEY, waba_id TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE tokens (value TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE templates (
    id TEXT PRIMARY KEY, waba_id TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL,
    language TEXT NOT NULL, status TEXT NOT NULL, data BLOB NOT NULL
);
CREATE INDEX templates_by_waba ON templates (waba_id, seq);
CREATE TABLE users (
    phone TEXT PRIMARY KEY, bsuid TEXT, parent_bsuid TEXT, data BLOB NOT NULL
);
CREATE INDEX users_by_bsuid ON users (bsuid);
CREATE INDEX users_by_parent_bsuid ON users (parent_bsuid);
CREATE TABLE subscriptions (
    waba_id TEXT NOT NULL, app_id TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (waba_id, app_id)
);
CREATE TABLE messages (
    seq INTEGER PRIMARY KEY, wamid TEXT NOT NULL UNIQUE, phone_number_id TEXT NOT NULL,
    waba_id TEXT NOT NULL, recipient_phone TEXT, recipient_bsuid TEXT, route TEXT NOT NULL,
    status TEXT NOT NULL, created_at REAL NOT NULL, data BLOB NOT NULL
);
CREATE INDEX messages_by_phone_number ON messages (phone_number_id, seq);
CREATE INDEX messages_by_recipient ON messages (recipient_phone, seq);
CREATE TABLE windows (
    phone_number_id TEXT NOT NULL, user_phone TEXT NOT NULL, opened_at REAL NOT NULL,
    PRIMARY KEY (phone_number_id, user_phone)
);
