-- wamm schema v4 for PostgreSQL: the reset epoch. Every reset adds one; a send or a block of
-- sequence numbers started under an older epoch is refused when it reaches the store, in any
-- process (their numbers would collide with the ones handed out after the reset).
CREATE TABLE reset_epoch (id INTEGER PRIMARY KEY CHECK (id = 1), epoch BIGINT NOT NULL);
INSERT INTO reset_epoch VALUES (1, 0);
