package dev.chatsystem.core.mysql;

import java.sql.SQLException;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Lifts the pool's socket timeout (30 s) on the connection a migration runs on. A migration may read a whole table
 * once (V5 seeds the version marks from the messages' highest version), which on a large store outlasts it; cut off
 * there, a MySQL migration whose DDL had already committed is recorded as failed and needs a manual repair. The pool
 * replaces the connections Flyway used after the migration (and Hikari resets a changed timeout when one returns), so
 * no request runs without the timeout.
 */
final class UntimedMigrations implements Callback {
    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_EACH_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        try {
            context.getConnection().setNetworkTimeout(Runnable::run, 0);
        } catch (SQLException e) {
            throw new FlywayException("could not lift the socket timeout for a migration", e);
        }
    }

    @Override
    public String getCallbackName() {
        return "untimed-migrations";
    }
}
