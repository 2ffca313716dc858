package dev.chatsystem.core.h2;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.ConflictException;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.CountReconciler;
import dev.chatsystem.core.spi.MessageBatch;
import dev.chatsystem.core.spi.Write;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.JdbiException;

/**
 * The embedded store: an H2 file database ({@code <dataDir>/chat.mv.db}) in MySQL compatibility mode, migrated by
 * Flyway, reached through a small HikariCP pool and Jdbi.
 *
 * <p>Durable: a method that changed data has written it to the database file before it returns, so it survives the
 * process being killed. One process at a time: {@link #open} refuses a data dir another store holds open, with a
 * {@link dev.chatsystem.core.ConfigurationException}. Counts are exact: {@link #apply} updates them in the same
 * transaction as the rows. Writes whose token is unknown are skipped, as are messages of chats that do not exist.
 * Thread-safe.
 */
public final class H2ChatStore implements ChatStore, CountReconciler {
    private final H2Database database;

    private H2ChatStore(H2Database database) {
        this.database = database;
    }

    /** Opens (creating when missing) the store in {@code dataDir} and brings its schema up to date. */
    public static H2ChatStore open(Path dataDir) {
        Objects.requireNonNull(dataDir, "dataDir");
        return new H2ChatStore(H2Database.open(dataDir));
    }

    @Override
    public Application createApplication(String token, String name, Instant at) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(name, "name");
        long micros = Rows.micros(at);
        try {
            return database.jdbi.inTransaction(handle -> {
                handle.execute(
                        "INSERT INTO applications (token, name, chats_count, created_at, updated_at)"
                                + " VALUES (?, ?, 0, ?, ?)",
                        token,
                        name,
                        micros,
                        micros);
                return Reads.application(handle, token).orElseThrow();
            });
        } catch (JdbiException e) {
            if (Failures.isConstraintViolation(e)) {
                throw new ConflictException("an application with this token exists", e);
            }
            throw Failures.unavailable("create an application", e);
        }
    }

    @Override
    public Optional<Application> application(String token) {
        return call("read an application", handle -> Reads.application(handle, token));
    }

    @Override
    public Optional<Application> renameApplication(String token, String name, Instant at) {
        Objects.requireNonNull(name, "name");
        long micros = Rows.micros(at);
        return transaction("rename an application", handle -> {
            int updated = handle.execute(
                    "UPDATE applications SET name = ?, updated_at = ? WHERE token = ?", name, micros, token);
            return updated == 0 ? Optional.<Application>empty() : Reads.application(handle, token);
        });
    }

    @Override
    public List<Application> applications(Optional<String> afterToken, int limit) {
        return call("list applications", handle -> Reads.applications(handle, afterToken, limit));
    }

    @Override
    public Optional<Chat> chat(String token, long chatNumber) {
        return call("read a chat", handle -> Reads.chat(handle, token, chatNumber));
    }

    @Override
    public List<Chat> chats(String token, long after, int limit) {
        return call("list chats", handle -> Reads.chats(handle, token, after, limit));
    }

    @Override
    public Optional<Message> message(String token, long chatNumber, long messageNumber) {
        return call("read a message", handle -> Reads.message(handle, token, chatNumber, messageNumber));
    }

    @Override
    public List<Message> messages(String token, long chatNumber, long after, int limit) {
        return call("list messages", handle -> Reads.messages(handle, token, chatNumber, after, limit));
    }

    @Override
    public List<Message> messages(String token, long chatNumber, Collection<Long> messageNumbers) {
        if (messageNumbers.isEmpty()) {
            return List.of();
        }
        return call("read messages", handle -> Reads.messages(handle, token, chatNumber, messageNumbers));
    }

    @Override
    public long maxChatNumber(String token) {
        return call("read the last chat number", handle -> Reads.maxChatNumber(handle, token));
    }

    @Override
    public long maxMessageNumber(String token, long chatNumber) {
        return call("read the last message number", handle -> Reads.maxMessageNumber(handle, token, chatNumber));
    }

    @Override
    public void apply(List<Write> writes) {
        if (writes.isEmpty()) {
            return;
        }
        transaction("apply " + writes.size() + " writes", handle -> {
            BatchWriter.apply(handle, writes);
            return null;
        });
    }

    @Override
    public MessageBatch messagesForIndex(Optional<String> token, long cursor, int limit) {
        return call("read messages to index", handle -> Reads.messagesForIndex(handle, token, cursor, limit));
    }

    @Override
    public long countMessages(Optional<String> token) {
        return call("count messages", handle -> Reads.countMessages(handle, token));
    }

    @Override
    public long countApplications() {
        return call("count applications", handle -> Reads.count(handle, "SELECT COUNT(*) FROM applications"));
    }

    @Override
    public long countChats() {
        return call("count chats", handle -> Reads.count(handle, "SELECT COUNT(*) FROM chats"));
    }

    @Override
    public ReconcileReport reconcile() {
        return new ReconcileReport(transaction("reconcile counts", CountFixer::fix));
    }

    @Override
    public BackendStatus health() {
        try {
            database.jdbi.withHandle(handle -> Reads.count(handle, "SELECT 1"));
            return BackendStatus.up("store", "h2");
        } catch (RuntimeException e) {
            return BackendStatus.down("store", "h2", Failures.describe(e));
        }
    }

    /** Closes the connection pool, which closes the database, then releases the data dir. */
    @Override
    public void close() {
        database.close();
    }

    private <T> T call(String action, HandleCallback<T, RuntimeException> callback) {
        try {
            return database.jdbi.withHandle(callback);
        } catch (JdbiException e) {
            throw Failures.unavailable(action, e);
        }
    }

    private <T> T transaction(String action, HandleCallback<T, RuntimeException> callback) {
        try {
            return database.jdbi.inTransaction(callback);
        } catch (JdbiException e) {
            throw Failures.unavailable(action, e);
        }
    }
}
