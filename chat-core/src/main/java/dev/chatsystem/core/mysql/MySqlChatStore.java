package dev.chatsystem.core.mysql;

import dev.chatsystem.core.jdbc.JdbcChatStore;
import java.util.Objects;

/**
 * The production store: a MySQL 8.4 or MariaDB 10.11 database (InnoDB, utf8mb4), migrated by Flyway on open and
 * reached through a HikariCP pool and Jdbi.
 *
 * <p>Several processes may open the same database at once, and may apply overlapping or repeated batches: Flyway
 * migrates under a named lock ({@code GET_LOCK}), and {@link #apply} inserts with {@code INSERT IGNORE} under row
 * locks on the parents, adding to the counts only the rows it actually inserted. Transactions run at READ COMMITTED.
 * A database that cannot be reached is reported as a {@link dev.chatsystem.core.BackendUnavailableException}.
 * Thread-safe.
 */
public final class MySqlChatStore extends JdbcChatStore {

    private MySqlChatStore(MySqlDatabase database) {
        super(database);
    }

    /**
     * Connects to the database at {@code jdbcUrl} (for example {@code jdbc:mysql://db:3306/chat}) and brings its
     * schema up to date. Properties in the URL override the store's connection defaults.
     */
    public static MySqlChatStore open(String jdbcUrl, String user, String password) {
        return open(jdbcUrl, user, password, true);
    }

    /**
     * As {@link #open(String, String, String)}; without {@code migrate}, a schema that is behind is refused with
     * {@link dev.chatsystem.core.ConfigurationException} instead of brought up to date.
     */
    public static MySqlChatStore open(String jdbcUrl, String user, String password, boolean migrate) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        return new MySqlChatStore(MySqlDatabase.open(jdbcUrl, user, password == null ? "" : password, migrate));
    }
}
