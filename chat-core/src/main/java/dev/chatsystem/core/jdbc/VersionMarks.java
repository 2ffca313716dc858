package dev.chatsystem.core.jdbc;

import org.jdbi.v3.core.Handle;

/**
 * The statements on {@code version_marks}: the highest message version stored, raised in the transaction of every
 * write that stores one, so that the store's maximum is read from a few rows instead of every message.
 */
final class VersionMarks {
    /**
     * The row of the writes of no queue shard (the embedded writer, a raised version of one message) and of the
     * versions stored before the table existed (the migration seeds it): no shard is negative.
     */
    static final int UNSHARDED = -1;

    /**
     * One upsert that never lowers a mark. {@code ON DUPLICATE KEY UPDATE} with the value bound again rather than
     * {@code VALUES()}, which MySQL 8.4 deprecates: the same text runs on H2 (MySQL mode), MySQL and MariaDB.
     */
    static final String RAISE = "INSERT INTO version_marks (shard, highest_version) VALUES (?, ?)"
            + " ON DUPLICATE KEY UPDATE highest_version = GREATEST(highest_version, ?)";

    /** One row per shard that stored a version, and the unsharded one. */
    static final String HIGHEST = "SELECT COALESCE(MAX(highest_version), 0) FROM version_marks";

    private VersionMarks() {}

    /** Raises the mark of {@code shard} to at least {@code version}; nothing for 0, the version of no write. */
    static void raise(Handle handle, int shard, long version) {
        if (version > 0) {
            handle.execute(RAISE, shard, version, version);
        }
    }

    static long highest(Handle handle) {
        return handle.createQuery(HIGHEST).mapTo(Long.class).one();
    }
}
