-- wamm schema v9: bytes wamm keeps for Graph objects (uploaded media, resumable upload
-- sessions, template samples), their description as JSON beside them. Expired rows are
-- deleted when a new blob is stored; the total is bounded by the `media_budget_bytes` setting.
CREATE TABLE blobs (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, kind TEXT NOT NULL, expires_at REAL NOT NULL,
    size INTEGER NOT NULL, info BLOB NOT NULL, content BLOB NOT NULL
);
CREATE INDEX blobs_by_expiry ON blobs (expires_at);
