-- wamm schema v3: users seeded or changed through the control API are "custom" and loaded at
-- start; users created by sends are derived from their phone number and never read back.
ALTER TABLE users ADD COLUMN custom INTEGER NOT NULL DEFAULT 0;
UPDATE users SET custom = 1;
CREATE INDEX users_custom ON users (custom);
