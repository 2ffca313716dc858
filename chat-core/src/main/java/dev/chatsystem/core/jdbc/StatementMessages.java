package dev.chatsystem.core.jdbc;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementException;
import org.jdbi.v3.core.statement.StatementExceptions;

/**
 * The message of a failed Jdbi statement: the failure and the statement's text, without the values bound to it.
 * Jdbi's own renderings all append the bound arguments, and the store binds tokens, Idempotency-Keys and message
 * bodies: a statement that failed in an outage (a timeout, a dropped connection) wrote them to the log wherever the
 * failure, or a failure it caused, was logged. The text is safe to show: the store binds every value it runs.
 */
final class StatementMessages {
    /** As {@link PositionalStatements} cuts its statements: enough to tell which one it was. */
    private static final int STATEMENT_LENGTH = 120;

    private StatementMessages() {}

    /** Makes the statements of {@code jdbi} fail with these messages. */
    static Jdbi install(Jdbi jdbi) {
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementMessages::render);
        return jdbi;
    }

    static String render(StatementException e) {
        StatementContext context = e.getStatementContext();
        String sql = context == null ? null : context.getRenderedSql();
        if (sql == null) {
            return e.getShortMessage();
        }
        String statement = sql.length() <= STATEMENT_LENGTH ? sql : sql.substring(0, STATEMENT_LENGTH) + "…";
        return e.getShortMessage() + " [statement: " + statement + "]";
    }
}
