package dev.chatsystem.core.jdbc;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** The statements on {@code shard_marks}: how far the persist workers of each queue shard got. */
final class ShardMarks {
    private ShardMarks() {}

    /**
     * One upsert that never lowers a mark. {@code ON DUPLICATE KEY UPDATE} with the value bound again rather than
     * {@code VALUES()}, which MySQL 8.4 deprecates: the same text runs on H2 (MySQL mode), MySQL and MariaDB.
     */
    static void raise(Handle handle, int shard, long version) {
        handle.execute(
                "INSERT INTO shard_marks (shard, persisted_version) VALUES (?, ?)"
                        + " ON DUPLICATE KEY UPDATE persisted_version = GREATEST(persisted_version, ?)",
                shard,
                version,
                version);
    }

    static long of(Handle handle, int shard) {
        return handle.createQuery("SELECT persisted_version FROM shard_marks WHERE shard = ?")
                .bind(0, shard)
                .mapTo(Long.class)
                .findOne()
                .orElse(0L);
    }

    static Map<Integer, Long> all(Handle handle) {
        Map<Integer, Long> marks = new LinkedHashMap<>();
        handle.createQuery("SELECT shard, persisted_version FROM shard_marks ORDER BY shard")
                .map((rs, ctx) -> Map.entry(rs.getInt(1), rs.getLong(2)))
                .forEach(mark -> marks.put(mark.getKey(), mark.getValue()));
        return marks;
    }
}
