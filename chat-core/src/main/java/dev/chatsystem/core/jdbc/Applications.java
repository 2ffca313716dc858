package dev.chatsystem.core.jdbc;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.spi.IdempotencyRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The statements that write {@code applications}: a create, a create under an idempotency key, a rename. */
final class Applications {
    private static final String INSERT =
            "INSERT INTO applications (token, name, chats_count, created_at, updated_at) VALUES (?, ?, 0, ?, ?)";

    private Applications() {}

    /** Fails with a constraint violation ({@link Failures#isConstraintViolation}) when the token exists. */
    static void insert(Handle handle, String token, String name, long micros) {
        handle.execute(INSERT, token, name, micros, micros);
    }

    /**
     * The live record of {@code record}'s key, locked, when there is one; else creates the application and stores the
     * record, and answers empty.
     */
    static Optional<IdempotencyRecord> insertOnce(
            Handle handle, String token, String name, Instant at, IdempotencyRecord record, Instant notBefore) {
        Optional<IdempotencyRecord> live =
                IdempotencyRecords.find(handle, record.scope(), record.key(), notBefore, true);
        if (live.isPresent()) {
            return live;
        }
        insert(handle, token, name, Rows.micros(at));
        IdempotencyRecords.insert(handle, List.of(record), notBefore);
        return Optional.empty();
    }

    /** The renamed application; empty when there is none of this token. */
    static Optional<Application> rename(Handle handle, String token, String name, long micros) {
        int updated =
                handle.execute("UPDATE applications SET name = ?, updated_at = ? WHERE token = ?", name, micros, token);
        return updated == 0 ? Optional.empty() : Reads.application(handle, token);
    }
}
