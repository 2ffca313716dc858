package dev.chatsystem.core.h2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.Await;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A count repair that waits for a writer's lock on the chat must count the writer's rows once it gets the lock: H2
 * evaluates a statement's subqueries on the snapshot taken when the statement starts, so a repair written as one
 * UPDATE with the count as a subquery wrote back a count without them.
 */
class CountRepairRaceTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aRepairThatWaitedForAWriterCountsTheWritersRows() throws Exception {
        try (H2ChatStore store = H2ChatStore.open(dir);
                Connection writer = DriverManager.getConnection(
                        H2Database.url(dir.toAbsolutePath().normalize()), "sa", "")) {
            store.createApplication("tok", "app", AT);
            store.apply(List.of(new Write.ChatCreated("tok", 1, AT)));
            long chatId;
            try (Statement statement = writer.createStatement()) {
                statement.execute("UPDATE chats SET messages_count = 5"); // drift for the repair to find
                var ids = statement.executeQuery("SELECT id FROM chats");
                ids.next();
                chatId = ids.getLong(1);
            }

            // A batch as the writer applies one: the chat locked, three messages inserted, the count raised.
            writer.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            writer.setAutoCommit(false);
            try (Statement statement = writer.createStatement()) {
                statement.executeQuery("SELECT id FROM chats WHERE id = " + chatId + " FOR UPDATE");
            }
            try (PreparedStatement insert = writer.prepareStatement("INSERT INTO messages"
                    + " (chat_id, message_number, body, created_at, updated_at, version) VALUES (?, ?, ?, 0, 0, ?)")) {
                for (int number = 1; number <= 3; number++) {
                    insert.setLong(1, chatId);
                    insert.setLong(2, number);
                    insert.setString(3, "message " + number);
                    insert.setLong(4, number);
                    insert.executeUpdate();
                }
            }
            try (Statement statement = writer.createStatement()) {
                statement.execute("UPDATE chats SET messages_count = messages_count + 3 WHERE id = " + chatId);
            }

            CompletableFuture<ReconcileReport> repair = CompletableFuture.supplyAsync(store::reconcile);
            // Until the repair is blocked by the writer's locks: a repair that ran before or after them would pass
            // without the race.
            long writerSession = sessionId(writer);
            Await.until(() -> blocksAnotherSession(writer, writerSession), Duration.ofSeconds(30));
            assertThat(repair).isNotDone();
            writer.commit();

            repair.get(30, TimeUnit.SECONDS);
            assertThat(store.chat("tok", 1).orElseThrow().messagesCount()).isEqualTo(3);
        }
    }

    private static long sessionId(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet id = statement.executeQuery("SELECT SESSION_ID()")) {
            id.next();
            return id.getLong(1);
        }
    }

    private static boolean blocksAnotherSession(Connection connection, long session) {
        try (PreparedStatement blocked =
                connection.prepareStatement("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID = ?")) {
            blocked.setLong(1, session);
            try (ResultSet count = blocked.executeQuery()) {
                count.next();
                return count.getLong(1) > 0;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
