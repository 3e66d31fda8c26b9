-- wamm schema v4: messages that count toward the per-user marketing limit are flagged, so the
-- limit can be counted in SQL (and shared by every process of a PostgreSQL deployment).
ALTER TABLE messages ADD COLUMN counts_marketing INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_marketing ON messages (recipient_phone, created_at) WHERE counts_marketing = 1;
