package dev.chatsystem.core.jdbc;

import dev.chatsystem.core.BackendUnavailableException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jdbi.v3.core.JdbiException;

/**
 * Runs a write transaction again when the engine rolled it back to break a deadlock or a lock wait ({@link
 * Failures#isWorthRetrying}), a bounded number of times. Every write of {@link JdbcChatStore} goes through it: each is
 * a whole transaction (or one autocommitted statement) that touches nothing outside the database and is rolled back
 * whole before it runs again, so running it again is running it for the first time.
 */
final class Retries {
    /** Attempts in all: a lock held longer than three lock waits is held by something stuck, not by a busy writer. */
    static final int ATTEMPTS = 3;

    /** The longest pause before an attempt, times its number: deadlocked writers come back at different moments. */
    private static final int MAX_PAUSE_MILLIS = 20;

    private Retries() {}

    /**
     * The transaction's result. A failure not worth retrying is thrown as it is, for the caller to translate; the last
     * of {@link #ATTEMPTS} that were all rolled back is thrown as a {@link BackendUnavailableException} that says so.
     */
    static <T> T run(SqlDialect dialect, String action, Supplier<T> transaction) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction.get();
            } catch (JdbiException e) {
                if (!Failures.isWorthRetrying(dialect, e)) {
                    throw e;
                }
                if (attempt == ATTEMPTS) {
                    throw Failures.unavailable(
                            dialect, action + " (rolled back by a lock wait or deadlock " + ATTEMPTS + " times)", e);
                }
                pause(dialect, action, attempt, e);
            }
        }
    }

    private static void pause(SqlDialect dialect, String action, int attempt, JdbiException failure) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, MAX_PAUSE_MILLIS + 1) * (long) attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failures.unavailable(dialect, action + " (interrupted before running it again)", failure);
        }
    }
}
