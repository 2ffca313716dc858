package dev.chatsystem.core.h2;

import dev.chatsystem.core.jdbc.JdbcChatStore;
import java.nio.file.Path;
import java.util.Objects;

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
public final class H2ChatStore extends JdbcChatStore {

    private H2ChatStore(H2Database database) {
        super(database);
    }

    /** Opens (creating when missing) the store in {@code dataDir} and brings its schema up to date. */
    public static H2ChatStore open(Path dataDir) {
        return open(dataDir, true);
    }

    /**
     * As {@link #open(Path)}; without {@code migrate}, a schema that is behind is refused with {@link
     * dev.chatsystem.core.ConfigurationException} instead of brought up to date.
     */
    public static H2ChatStore open(Path dataDir, boolean migrate) {
        Objects.requireNonNull(dataDir, "dataDir");
        return new H2ChatStore(H2Database.open(dataDir, migrate));
    }
}
