package dev.chatsystem.core.jdbc;

import dev.chatsystem.core.ConfigurationException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;

/**
 * Brings a store's schema up to date, or, for a process that must not change it (an admin command that only reads or
 * checks), makes sure it is: such a process refuses a schema that is behind rather than upgrading it under servers
 * of the older version.
 */
public final class SchemaMigrations {
    private SchemaMigrations() {}

    /**
     * Applies the pending migrations when {@code migrate}; otherwise throws {@link ConfigurationException} naming
     * {@code store} when any is pending or one failed. A schema ahead of this version (a newer server migrated it) is
     * accepted.
     */
    public static void prepare(Flyway flyway, boolean migrate, String store) {
        if (migrate) {
            flyway.migrate();
            return;
        }
        MigrationInfoService info = flyway.info();
        for (MigrationInfo migration : info.all()) {
            if (migration.getState().isFailed()) {
                // MySQL cannot roll DDL back: a failed migration stays recorded, and the servers refuse to start.
                throw new ConfigurationException("the schema migration to version " + migration.getVersion() + " of "
                        + store + " failed (" + migration.getDescription() + "): repair the database, then run"
                        + " chat-cli migrate");
            }
        }
        MigrationInfo[] pending = info.pending();
        if (pending.length > 0) {
            MigrationInfo current = info.current();
            throw new ConfigurationException("the schema of " + store + " is "
                    + (current == null ? "not created yet" : "at version " + current.getVersion())
                    + ", this version needs " + pending[pending.length - 1].getVersion()
                    + ": run chat-cli migrate first");
        }
    }
}
