package dev.chatsystem.core.jdbc;

import dev.chatsystem.core.BackendUnavailableException;
import java.sql.SQLException;
import java.util.Optional;

/** Turns JDBC, Jdbi, Hikari and Flyway failures into the library's exceptions, with one-line messages. */
public final class Failures {
    private static final int MYSQL_LOCK_WAIT_TIMEOUT = 1205;
    private static final int MYSQL_DEADLOCK = 1213;
    /** "Timeout trying to lock table": H2's wait for a lock ran out (LOCK_TIMEOUT), as a SELECT ... FOR UPDATE meets it. */
    private static final String H2_LOCK_TIMEOUT = "HYT00";
    /**
     * "Concurrent update in table": what H2 2.x reports when an INSERT, UPDATE or DELETE waited LOCK_TIMEOUT for a row
     * another transaction holds (or found it changed under it); the statement is rolled back, as for HYT00.
     */
    private static final String H2_CONCURRENT_UPDATE = "90131";

    private Failures() {}

    /** The failure as seen by a caller: the store of this dialect could not do {@code action}. */
    public static BackendUnavailableException unavailable(SqlDialect dialect, String action, Throwable cause) {
        return new BackendUnavailableException(
                dialect.kind() + " store could not " + action + ": " + describe(cause), cause);
    }

    /** True for an integrity-constraint violation (SQLSTATE class 23), such as a duplicate key. */
    static boolean isConstraintViolation(Throwable failure) {
        return sqlState(failure).filter(state -> state.startsWith("23")).isPresent();
    }

    /**
     * True when running the whole transaction again may succeed: the engine rolled it back to break a deadlock or a
     * lock wait (SQLSTATE class 40, or MySQL's errors 1213 and 1205 under whatever state the driver reports), or, on
     * H2, a wait for a lock ran out (HYT00 for a locking read, 90131 for a write). A lock wait timeout on H2, and by
     * default on MySQL, rolls back the statement only: the caller must roll the rest of the transaction back and run
     * all of it again, not the statement.
     */
    static boolean isWorthRetrying(SqlDialect dialect, Throwable failure) {
        Optional<SQLException> sql = sqlException(failure);
        if (sql.isEmpty()) {
            return false;
        }
        String state = sql.get().getSQLState();
        return state.startsWith("40")
                || (dialect == SqlDialect.MYSQL
                        && (sql.get().getErrorCode() == MYSQL_DEADLOCK
                                || sql.get().getErrorCode() == MYSQL_LOCK_WAIT_TIMEOUT))
                || (dialect == SqlDialect.H2 && (state.equals(H2_LOCK_TIMEOUT) || state.equals(H2_CONCURRENT_UPDATE)));
    }

    /**
     * The deepest SQL message when there is one, else the failure's own, on one line: H2 appends the statement and
     * Connector/J an explanation on further lines, which we drop. A data exception or a constraint violation
     * (SQLSTATE classes 22 and 23) is named by its SQLSTATE alone: its message quotes the values at fault ("Duplicate
     * entry '…' for key"), which may be a token, an Idempotency-Key or a body, and this text is logged.
     */
    public static String describe(Throwable failure) {
        Optional<SQLException> sql = sqlException(failure);
        if (sql.isPresent() && quotesValues(sql.get().getSQLState())) {
            return "data exception or constraint violation (SQLSTATE "
                    + sql.get().getSQLState() + ", error " + sql.get().getErrorCode() + "; its values are left out)";
        }
        Throwable source = sql.map(Throwable.class::cast).orElse(failure);
        String message = source.getMessage() == null ? source.getClass().getSimpleName() : source.getMessage();
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }

    private static boolean quotesValues(String sqlState) {
        return sqlState.startsWith("22") || sqlState.startsWith("23");
    }

    /** The deepest {@link SQLException} with a SQLSTATE in the failure's chain of causes. */
    public static Optional<SQLException> sqlException(Throwable failure) {
        SQLException found = null;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                found = sql;
            }
        }
        return Optional.ofNullable(found);
    }

    private static Optional<String> sqlState(Throwable failure) {
        return sqlException(failure).map(SQLException::getSQLState);
    }
}
