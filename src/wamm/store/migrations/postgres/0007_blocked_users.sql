-- wamm schema v7 for PostgreSQL: users a business blocked on one of its numbers
-- (`block_users`), with the order they were blocked in (`seq`, for paging) and the value the
-- block request named.
CREATE TABLE blocked_users (
    phone_number_id TEXT NOT NULL, user_phone TEXT NOT NULL, seq BIGINT NOT NULL,
    data BYTEA NOT NULL, PRIMARY KEY (phone_number_id, user_phone)
);
