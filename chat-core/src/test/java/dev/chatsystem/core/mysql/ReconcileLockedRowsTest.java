package dev.chatsystem.core.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.chatsystem.core.ReconcileFailedException;
import dev.chatsystem.core.ReconcileReport.Correction;
import dev.chatsystem.core.spi.Write.ChatCreated;
import dev.chatsystem.core.spi.Write.MessageCreated;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rows of one range whose locks persist batches hold past the lock wait: each is set aside and named in the failure,
 * and the range goes on to fix the rest. Three of them in a row ended the range as if the database were down.
 */
class ReconcileLockedRowsTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final String TOKEN = "reconcile-locked-rows-token-0123";

    private MySqlTestDatabase database;
    private MySqlChatStore store;

    @BeforeEach
    void open() {
        database = MySqlTestDatabase.create();
        // A lock wait of one second rather than the store's ten: each locked row costs its three attempts' waits.
        store = MySqlChatStore.open(
                database.url + (database.url.contains("?") ? "&" : "?") + "sessionVariables=innodb_lock_wait_timeout=1",
                MySqlTestDatabase.USER,
                MySqlTestDatabase.PASSWORD);
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    @Timeout(60)
    void threeLockedRowsInARowDoNotKeepTheFourthFromBeingFixed() throws Exception {
        store.createApplication(TOKEN, "app", AT);
        for (long chat = 1; chat <= 4; chat++) {
            store.apply(List.of(new ChatCreated(TOKEN, chat, AT), new MessageCreated(TOKEN, chat, 1, "one", AT, chat)));
        }
        List<Long> locked = new ArrayList<>();
        try (Connection holder = database.connect()) {
            try (Statement statement = holder.createStatement()) {
                statement.executeUpdate("UPDATE chats SET messages_count = 7"); // every chat of the one range wrong
            }
            holder.setAutoCommit(false);
            for (long chat = 1; chat <= 3; chat++) { // as batches busy on chats 1-3 would, by primary key
                long id = query(holder, "SELECT id FROM chats WHERE chat_number = " + chat);
                query(holder, "SELECT id FROM chats WHERE id = " + id + " FOR UPDATE");
                locked.add(id);
            }

            ReconcileFailedException failed = catchThrowableOfType(ReconcileFailedException.class, store::reconcile);

            assertThat(failed.committed().corrections()).containsExactly(new Correction(TOKEN, 4, 7, 1));
            assertThat(Stream.concat(
                                    Stream.of(failed.getCause()),
                                    Stream.of(failed.getCause().getSuppressed()))
                            .map(Throwable::getMessage))
                    .as("each row set aside is named in the failure")
                    .hasSize(3)
                    .zipSatisfy(
                            locked,
                            (message, id) -> assertThat(message)
                                    .contains("chats row " + id + " is not fixed")
                                    .contains("lock wait"));
            holder.rollback();
        }
        assertThat(store.chat(TOKEN, 4).orElseThrow().messagesCount()).isEqualTo(1);
        assertThat(store.reconcile().corrected())
                .as("the rows set aside, fixed next time")
                .isEqualTo(3);
    }

    private static long query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
