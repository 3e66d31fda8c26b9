-- wamm schema v3 for PostgreSQL: status webhook rows name their message and event instead of
-- storing the payload (built when delivered).
ALTER TABLE outbox ADD COLUMN event_index INTEGER;
