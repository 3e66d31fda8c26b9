-- wamm schema v17 for PostgreSQL: the rate-limit buckets leave the write-ahead log. Every send
-- takes tokens (its number's throughput, the pair limit), and each take committed with a WAL
-- flush of its own beside the send's. A bucket is worth nothing after a crash: an unlogged
-- table comes back empty from crash recovery, and an empty bucket starts full, as after a reset.
ALTER TABLE rate_buckets SET UNLOGGED;
