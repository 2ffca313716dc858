-- How far the persist workers of the distributed form got, per shard: the highest stream entry id (as a version,
-- ms * 1,000,000 + seq) of a batch they stored, recorded about once a second. Redis keeps its own copy, raised before
-- this one; a Redis whose copy is below this mark lost writes MySQL holds (restored from an older snapshot, a lagging
-- replica promoted), and its counters are raised past the store's numbers before creates are accepted again.
-- Plain DDL that H2 (MySQL mode), MySQL 8.4 and MariaDB 10.11 all accept.
CREATE TABLE shard_marks (
    shard INT NOT NULL,
    persisted_version BIGINT NOT NULL,
    PRIMARY KEY (shard)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
