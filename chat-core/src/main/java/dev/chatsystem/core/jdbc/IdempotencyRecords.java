package dev.chatsystem.core.jdbc;

import dev.chatsystem.core.spi.IdempotencyRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The statements on {@code idempotency_keys}, run inside the caller's transaction. */
final class IdempotencyRecords {
    private IdempotencyRecords() {}

    static Optional<IdempotencyRecord> find(Handle handle, String scope, String key, Instant notBefore, boolean lock) {
        String sql = "SELECT fingerprint, result, created_at FROM idempotency_keys WHERE scope = ? AND idem_key = ?"
                + " AND created_at >= ?" + (lock ? " FOR UPDATE" : "");
        return handle.createQuery(sql)
                .bind(0, scope)
                .bind(1, key)
                .bind(2, Rows.micros(notBefore))
                .map((rs, ctx) -> new IdempotencyRecord(
                        scope, key, rs.getString(1), rs.getString(2), Rows.instant(rs.getLong(3))))
                .findOne();
    }

    /**
     * Inserts the records, first removing records of the same keys made before {@code expiredBefore} (never a live
     * one: a concurrent insert of a live key then fails on the primary key, which callers turn into a replay).
     */
    static void insert(Handle handle, List<IdempotencyRecord> records, Instant expiredBefore) {
        for (IdempotencyRecord record : records) {
            handle.execute(
                    "DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ? AND created_at < ?",
                    record.scope(),
                    record.key(),
                    Rows.micros(expiredBefore));
            handle.execute(
                    "INSERT INTO idempotency_keys (scope, idem_key, fingerprint, result, created_at)"
                            + " VALUES (?, ?, ?, ?, ?)",
                    record.scope(),
                    record.key(),
                    record.fingerprint(),
                    record.result(),
                    Rows.micros(record.at()));
        }
    }

    /** {@code DELETE ... LIMIT}: H2, MySQL and MariaDB all take it (without ORDER BY, which H2 refuses). */
    static long purge(Handle handle, Instant before, int limit) {
        return handle.execute("DELETE FROM idempotency_keys WHERE created_at < ? LIMIT ?", Rows.micros(before), limit);
    }
}
