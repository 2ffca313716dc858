-- The highest message version stored, kept by the batches that store versions (creates and edits) in their own
-- transaction, one row per queue shard of the distributed form so that shards' persist workers never wait for one
-- another's row; recovery after Redis lost its data reads the maximum of these few rows instead of scanning messages
-- (version has no index: one cost a fifth of every persist batch, bench/HISTORY.md, twenty-second session). Not
-- shard_marks: those follow Redis' copy and are recorded about once a second, so they can lag what is stored.
-- Plain DDL that H2 (MySQL mode), MySQL 8.4 and MariaDB 10.11 all accept.
CREATE TABLE version_marks (
    shard INT NOT NULL,
    highest_version BIGINT NOT NULL,
    PRIMARY KEY (shard)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The versions stored before this migration, read once here: a row of shard -1, which no queue shard has (they
-- count from 0), so no shard's batches contend for it. Batches of no shard (the embedded writer's) and raised
-- versions of single messages raise it later.
INSERT INTO version_marks (shard, highest_version) SELECT -1, COALESCE(MAX(version), 0) FROM messages;
