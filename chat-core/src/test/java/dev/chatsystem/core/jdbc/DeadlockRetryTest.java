package dev.chatsystem.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.mysql.MySqlChatStore;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real deadlock on MariaDB between a persist batch and another connection: the batch is the transaction InnoDB
 * rolls back (error 1213), and it runs again and succeeds, applied once (README, Guarantees: "a write rolled back by
 * a deadlock"). {@link LockRetryTest} stages lock waits; this stages the deadlock.
 */
class DeadlockRetryTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final String FIRST = "deadlock-first-token-0123456789";
    private static final String SECOND = "deadlock-second-token-0123456789";
    /** Long enough that the batch's wait can only end by the deadlock, never by its lock wait running out. */
    private static final int LOCK_WAIT_SECONDS = 30;

    @Test
    @Timeout(90)
    void aBatchRolledBackByADeadlockRunsAgainAndIsAppliedOnce() throws Exception {
        try (MySqlTestDatabase database = MySqlTestDatabase.create();
                MySqlChatStore store = MySqlChatStore.open(
                        database.url + (database.url.contains("?") ? "&" : "?")
                                + "sessionVariables=innodb_lock_wait_timeout=" + LOCK_WAIT_SECONDS,
                        MySqlTestDatabase.USER,
                        MySqlTestDatabase.PASSWORD);
                Connection holder = database.connect();
                Connection observer = database.connect()) {
            store.createApplication(FIRST, "first", AT); // the lower id: a batch locks applications in id order
            store.createApplication(SECOND, "second", AT);
            try (Statement statement = holder.createStatement()) {
                statement.execute("CREATE TABLE deadlock_ballast (id INT PRIMARY KEY)");
            }
            OptionalLong deadlocksBefore = deadlocks(observer);

            holder.setAutoCommit(false);
            // Rows the holder wrote make it the heavier transaction, so InnoDB rolls the batch back, not the holder.
            try (Statement statement = holder.createStatement()) {
                statement.executeUpdate("INSERT INTO deadlock_ballast (id) VALUES " + values(200));
            }
            lock(holder, SECOND);
            CompletableFuture<Void> applying = CompletableFuture.runAsync(() ->
                    store.apply(List.of(new Write.ChatCreated(FIRST, 1, AT), new Write.ChatCreated(SECOND, 1, AT))));
            // The batch holds FIRST's row and waits for SECOND's.
            Await.until(() -> waitsOnTheApplicationsLock(observer, database.name), Duration.ofSeconds(30));

            try {
                lock(holder, FIRST); // a cycle: InnoDB rolls one of the two back at once
            } catch (SQLException e) {
                throw new AssertionError("the holder, not the batch, was rolled back: nothing was retried", e);
            }
            // The holder got FIRST's row, which the batch held: the batch's transaction was rolled back.
            assertThat(applying)
                    .as("the batch, rolled back, waits to run again")
                    .isNotDone();
            holder.rollback();

            applying.get(LOCK_WAIT_SECONDS, TimeUnit.SECONDS); // ran again, and succeeded
            if (deadlocksBefore.isPresent()) {
                assertThat(deadlocks(observer).orElseThrow() - deadlocksBefore.getAsLong())
                        .as("deadlocks InnoDB reported")
                        .isPositive();
            }
            assertThat(store.chat(FIRST, 1)).isPresent();
            assertThat(store.chat(SECOND, 1)).isPresent();
            assertThat(store.application(FIRST).orElseThrow().chatsCount())
                    .as("counted once")
                    .isEqualTo(1);
            assertThat(store.application(SECOND).orElseThrow().chatsCount())
                    .as("counted once")
                    .isEqualTo(1);
        }
    }

    private static void lock(Connection connection, String token) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT id FROM applications WHERE token = ? FOR UPDATE")) {
            statement.setString(1, token);
            try (ResultSet rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
            }
        }
    }

    /**
     * Whether a connection of this database has been running the batch's lock statement for a while, which it only
     * does while it waits for a row (a user sees its own connections without the PROCESS privilege).
     */
    private static boolean waitsOnTheApplicationsLock(Connection observer, String databaseName) {
        try (PreparedStatement statement =
                observer.prepareStatement("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                        + " WHERE DB = ? AND ID <> CONNECTION_ID() AND TIME >= 1" // TIME_MS is MariaDB's only
                        + " AND INFO LIKE 'SELECT id FROM applications WHERE id IN %FOR UPDATE'")) {
            statement.setString(1, databaseName);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1) > 0;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** The deadlocks InnoDB counted: MariaDB's status variable, which MySQL does not have (empty there). */
    private static OptionalLong deadlocks(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'")) {
            return rows.next() ? OptionalLong.of(rows.getLong(2)) : OptionalLong.empty();
        }
    }

    private static String values(int count) {
        StringBuilder values = new StringBuilder();
        for (int id = 1; id <= count; id++) {
            values.append(id == 1 ? "" : ",").append('(').append(id).append(')');
        }
        return values.toString();
    }
}
