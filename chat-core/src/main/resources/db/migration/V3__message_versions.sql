-- The version of the write that produced each message's current body (the distributed form: its Redis stream entry
-- id as ms * 1,000,000 + seq; the embedded form: its writer's equivalent). An edit updates a message only if it is
-- not older, so a batch applied late by a stalled worker cannot revert a newer edit. Rows stored before this
-- migration get 0: any versioned edit is newer. Plain ADD COLUMN runs on H2 (MySQL mode), MySQL 8.4 and MariaDB 10.11.
ALTER TABLE messages ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
