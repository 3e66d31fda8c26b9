-- wamm schema v1 for PostgreSQL: entities as JSON documents with key columns, the message
-- log, the webhook outbox and its attempts, user interactions, and cross-process state
-- (catalog version for cache invalidation, shared rate-limit buckets).
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
CREATE TABLE apps (id TEXT PRIMARY KEY, data BYTEA NOT NULL);
CREATE TABLE businesses (id TEXT PRIMARY KEY, data BYTEA NOT NULL);
CREATE TABLE wabas (id TEXT PRIMARY KEY, business_id TEXT NOT NULL, data BYTEA NOT NULL);
CREATE TABLE phone_numbers (id TEXT PRIMARY KEY, waba_id TEXT NOT NULL, data BYTEA NOT NULL);
CREATE TABLE tokens (value TEXT PRIMARY KEY, data BYTEA NOT NULL);
CREATE TABLE templates (
    id TEXT PRIMARY KEY, waba_id TEXT NOT NULL, seq BIGINT NOT NULL, name TEXT NOT NULL,
    language TEXT NOT NULL, status TEXT NOT NULL, data BYTEA NOT NULL
);
CREATE INDEX templates_by_waba ON templates (waba_id, seq);
CREATE TABLE users (
    phone TEXT PRIMARY KEY, bsuid TEXT, parent_bsuid TEXT, custom INTEGER NOT NULL DEFAULT 0,
    data BYTEA NOT NULL
);
CREATE INDEX users_by_bsuid ON users (bsuid);
CREATE INDEX users_by_parent_bsuid ON users (parent_bsuid);
CREATE INDEX users_custom ON users (custom) WHERE custom = 1;
CREATE TABLE subscriptions (
    waba_id TEXT NOT NULL, app_id TEXT NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (waba_id, app_id)
);
CREATE TABLE messages (
    seq BIGINT PRIMARY KEY, wamid TEXT NOT NULL UNIQUE, phone_number_id TEXT NOT NULL,
    waba_id TEXT NOT NULL, recipient_phone TEXT, recipient_bsuid TEXT, route TEXT NOT NULL,
    status TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, data BYTEA NOT NULL,
    counts_marketing INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_marketing ON messages (recipient_phone, created_at)
    WHERE counts_marketing = 1;
CREATE INDEX messages_by_phone_number ON messages (phone_number_id, seq);
CREATE INDEX messages_by_recipient ON messages (recipient_phone, seq);
CREATE INDEX messages_by_waba ON messages (waba_id, created_at);
CREATE TABLE windows (
    phone_number_id TEXT NOT NULL, user_phone TEXT NOT NULL,
    opened_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (phone_number_id, user_phone)
);
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    app_id TEXT NOT NULL,
    waba_id TEXT NOT NULL,
    field TEXT NOT NULL,
    wamid TEXT,
    value BYTEA NOT NULL,
    event_at DOUBLE PRECISION NOT NULL,
    due_at DOUBLE PRECISION NOT NULL,
    next_attempt_at DOUBLE PRECISION NOT NULL,
    state TEXT NOT NULL,
    lease_until DOUBLE PRECISION,
    attempts INTEGER NOT NULL DEFAULT 0,
    delivered_at DOUBLE PRECISION,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_by_wamid ON outbox (wamid);
CREATE TABLE attempts (
    delivery_id BIGINT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    real_at DOUBLE PRECISION NOT NULL,
    url TEXT NOT NULL,
    status_code INTEGER,
    latency_ms DOUBLE PRECISION NOT NULL,
    error TEXT,
    batch_size INTEGER NOT NULL
);
CREATE INDEX attempts_by_delivery ON attempts (delivery_id);
CREATE TABLE interactions (
    id BIGSERIAL PRIMARY KEY,
    waba_id TEXT NOT NULL,
    wamid TEXT,
    kind TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    data BYTEA NOT NULL
);
CREATE INDEX interactions_by_waba ON interactions (waba_id, at);
CREATE TABLE catalog_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL);
INSERT INTO catalog_version VALUES (1, 0);
CREATE TABLE rate_buckets (
    key TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL
);
