-- wamm schema v16: a catalog version counter, as PostgreSQL has had since v1. The delivery
-- process `wamm serve` starts beside itself on a SQLite file polls it to notice changes of
-- read-mostly state (apps, callbacks, settings, the manual clock, users) made by the server.
CREATE TABLE catalog_version (id INTEGER PRIMARY KEY, version INTEGER NOT NULL);
INSERT INTO catalog_version VALUES (1, 0);
