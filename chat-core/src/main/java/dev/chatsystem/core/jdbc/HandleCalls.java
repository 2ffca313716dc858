package dev.chatsystem.core.jdbc;

import javax.sql.DataSource;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.NoTemplateEngine;

/**
 * How {@link JdbcChatStore} runs its statements on the pool: a read on a handle, a write in a transaction run again
 * when rolled back ({@link Retries}), or a write of one autocommitted statement. Failures leave as {@link
 * Failures#unavailable}, except from {@link #retried} and {@link #untranslated}, whose callers translate them.
 * Thread-safe.
 */
final class HandleCalls {
    private final SqlDialect dialect;
    private final Jdbi jdbi;

    HandleCalls(DataSource dataSource, SqlDialect dialect) {
        this.dialect = dialect;
        this.jdbi = StatementMessages.install(Jdbi.create(dataSource).setTemplateEngine(new NoTemplateEngine()));
    }

    /** A read on a handle of the pool, not retried. */
    <T> T read(String action, HandleCallback<T, RuntimeException> callback) {
        try {
            return jdbi.withHandle(callback);
        } catch (JdbiException e) {
            throw Failures.unavailable(dialect, action, e);
        }
    }

    /** A write: one transaction, run again when rolled back ({@link Retries}). */
    <T> T transaction(String action, HandleCallback<T, RuntimeException> callback) {
        try {
            return retried(action, callback);
        } catch (JdbiException e) {
            throw Failures.unavailable(dialect, action, e);
        }
    }

    /** The transaction, run again when rolled back ({@link Retries}); other failures are the caller's to translate. */
    <T> T retried(String action, HandleCallback<T, RuntimeException> callback) {
        return Retries.run(dialect, action, () -> jdbi.inTransaction(callback));
    }

    /** A write of one statement, committed on its own (no round trips to begin and commit), retried the same way. */
    <T> T autocommitted(String action, HandleCallback<T, RuntimeException> callback) {
        try {
            return Retries.run(dialect, action, () -> jdbi.withHandle(callback));
        } catch (JdbiException e) {
            throw Failures.unavailable(dialect, action, e);
        }
    }

    /** On a handle, not retried, its failure as Jdbi threw it: for a caller that describes failures itself. */
    <T> T untranslated(HandleCallback<T, RuntimeException> callback) {
        return jdbi.withHandle(callback);
    }
}
