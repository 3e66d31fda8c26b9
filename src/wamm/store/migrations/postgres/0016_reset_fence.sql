-- wamm schema v16 for PostgreSQL: the reset fence as one statement, so that a write can send
-- it together with its rows and its COMMIT (one round trip). It waits while a reset runs (the
-- reset lock, 7220002, held shared until the transaction ends), then reads the reset epoch and
-- refuses the write, SQLSTATE WR001, if any epoch it began under is another. Each statement of
-- a volatile function sees what committed before it ran: the epoch is read after the lock.
CREATE FUNCTION reset_fence(began BIGINT[]) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    current BIGINT;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(7220002);
    SELECT epoch INTO current FROM reset_epoch WHERE id = 1;
    IF EXISTS (SELECT FROM unnest(began) AS epoch WHERE epoch <> current) THEN
        RAISE EXCEPTION 'reset during request' USING ERRCODE = 'WR001';
    END IF;
    RETURN current;
END
$$;
