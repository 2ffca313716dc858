package dev.chatsystem.core.h2;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ConfigurationException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;

/** Turns JDBC, Jdbi, Hikari and Flyway failures into the library's exceptions, with one-line messages. */
final class Failures {
    /** H2's DATABASE_ALREADY_OPEN: another process holds the file lock. */
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;

    private Failures() {}

    static BackendUnavailableException unavailable(String action, Throwable cause) {
        return new BackendUnavailableException("h2 store could not " + action + ": " + describe(cause), cause);
    }

    static ConfigurationException inUse(Path dataDir, Throwable cause) {
        return new ConfigurationException("data dir " + dataDir + " is in use by another process", cause);
    }

    /** True for an integrity-constraint violation (SQLSTATE class 23), such as a duplicate key. */
    static boolean isConstraintViolation(Throwable failure) {
        return sqlException(failure)
                .map(SQLException::getSQLState)
                .filter(state -> state.startsWith("23"))
                .isPresent();
    }

    static boolean isAlreadyOpen(Throwable failure) {
        return sqlException(failure)
                .filter(e -> e.getErrorCode() == H2_DATABASE_ALREADY_OPEN)
                .isPresent();
    }

    /** The deepest SQL message when there is one; H2 appends the statement on further lines, which we drop. */
    static String describe(Throwable failure) {
        Throwable source = sqlException(failure).map(Throwable.class::cast).orElse(failure);
        String message = source.getMessage() == null ? source.getClass().getSimpleName() : source.getMessage();
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }

    private static Optional<SQLException> sqlException(Throwable failure) {
        SQLException found = null;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                found = sql;
            }
        }
        return Optional.ofNullable(found);
    }
}
