-- wamm schema v2: webhook outbox with attempt history, user interactions for analytics.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    app_id TEXT NOT NULL,
    waba_id TEXT NOT NULL,
    field TEXT NOT NULL,
    wamid TEXT,
    value BLOB NOT NULL,
    event_at REAL NOT NULL,
    due_at REAL NOT NULL,
    next_attempt_at REAL NOT NULL,
    state TEXT NOT NULL,
    lease_until REAL,
    attempts INTEGER NOT NULL DEFAULT 0,
    delivered_at REAL,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_by_wamid ON outbox (wamid);
CREATE TABLE attempts (
    delivery_id INTEGER NOT NULL,
    at REAL NOT NULL,
    real_at REAL NOT NULL,
    url TEXT NOT NULL,
    status_code INTEGER,
    latency_ms REAL NOT NULL,
    error TEXT,
    batch_size INTEGER NOT NULL
);
CREATE INDEX attempts_by_delivery ON attempts (delivery_id);
CREATE TABLE interactions (
    id INTEGER PRIMARY KEY,
    waba_id TEXT NOT NULL,
    wamid TEXT,
    kind TEXT NOT NULL,
    at REAL NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX interactions_by_waba ON interactions (waba_id, at);
CREATE INDEX messages_by_waba ON messages (waba_id, created_at);
