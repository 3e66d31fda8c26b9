-- wamm schema v6 for PostgreSQL: bytes wamm keeps for Graph objects (uploaded media, resumable
-- upload sessions, template samples), their description as JSON beside them. Expired rows are
-- deleted when a new blob is stored; the total is bounded by the `media_budget_bytes` setting.
CREATE TABLE blobs (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, kind TEXT NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL, size BIGINT NOT NULL, info BYTEA NOT NULL,
    content BYTEA NOT NULL
);
CREATE INDEX blobs_by_expiry ON blobs (expires_at);
