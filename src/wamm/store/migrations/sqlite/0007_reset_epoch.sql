-- wamm schema v7: the reset epoch. Every reset adds one; a send or a block of sequence numbers
-- started under an older epoch is refused when it reaches the store (its numbers would collide
-- with the ones handed out after the reset). Resets never delete this row.
CREATE TABLE reset_epoch (id INTEGER PRIMARY KEY CHECK (id = 1), epoch INTEGER NOT NULL);
INSERT INTO reset_epoch VALUES (1, 0);
