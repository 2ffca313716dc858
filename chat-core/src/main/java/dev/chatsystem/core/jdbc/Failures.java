package dev.chatsystem.core.jdbc;

import dev.chatsystem.core.BackendUnavailableException;
import java.sql.SQLException;
import java.util.Optional;

/** Turns JDBC, Jdbi, Hikari and Flyway failures into the library's exceptions, with one-line messages. */
public final class Failures {
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
     * True when the engine rolled the transaction back to break a deadlock or a lock wait (SQLSTATE class 40), so
     * running it again may succeed.
     */
    static boolean isRolledBack(Throwable failure) {
        return sqlState(failure).filter(state -> state.startsWith("40")).isPresent();
    }

    /**
     * The deepest SQL message when there is one, else the failure's own, on one line: H2 appends the statement and
     * Connector/J an explanation on further lines, which we drop.
     */
    public static String describe(Throwable failure) {
        Throwable source = sqlException(failure).map(Throwable.class::cast).orElse(failure);
        String message = source.getMessage() == null ? source.getClass().getSimpleName() : source.getMessage();
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
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
