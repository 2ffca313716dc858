package dev.chatsystem.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.jdbc.BatchPlan.ChatKey;
import dev.chatsystem.core.spi.Write;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety net of {@link Inserts}: when a row the plan counted as new was inserted behind the locks, the insert
 * across chats rolls back to its savepoint and counts per chat, so every count grows by exactly the rows added.
 */
class InsertsFallbackTest {
    private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aRowInsertedBehindThePlanIsNotCountedTwice() {
        try (H2ChatStore store = H2ChatStore.open(dir)) {
            store.createApplication("tok", "app", AT);
            store.apply(List.of(new Write.ChatCreated("tok", 1, AT), new Write.ChatCreated("tok", 2, AT)));
        }
        Jdbi jdbi = Jdbi.create("jdbc:h2:file:" + dir.resolve("chat") + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE", "sa", "");
        Map<Long, Long> added = jdbi.inTransaction(handle -> {
            long app = handle.createQuery("SELECT id FROM applications")
                    .mapTo(Long.class)
                    .one();
            Map<ChatKey, Long> chatIds =
                    Map.of(new ChatKey(app, 1), chatId(handle, app, 1), new ChatKey(app, 2), chatId(handle, app, 2));
            // Message 1 of chat 1 arrives behind the plan's back, after the plan was made.
            handle.execute(
                    "INSERT INTO messages (chat_id, message_number, body, created_at, updated_at)"
                            + " VALUES (?, 1, 'sneaked in', 0, 0)",
                    chatIds.get(new ChatKey(app, 1)));
            List<Write> writes = List.of(
                    new Write.MessageCreated("tok", 1, 1, "planned", AT, 1),
                    new Write.MessageCreated("tok", 2, 1, "planned", AT, 1));
            BatchPlan plan = BatchPlan.of(writes, Map.of("tok", app), Set.copyOf(chatIds.keySet()), Map.of());
            Map<Long, Long> counts = Inserts.messages(handle, plan, chatIds);
            assertThat(handle.createQuery("SELECT COUNT(*) FROM messages")
                            .mapTo(Long.class)
                            .one())
                    .isEqualTo(2);
            return Map.of(
                    1L, counts.get(chatIds.get(new ChatKey(app, 1))), 2L, counts.get(chatIds.get(new ChatKey(app, 2))));
        });
        assertThat(added).containsEntry(1L, 0L).containsEntry(2L, 1L);
    }

    private static long chatId(org.jdbi.v3.core.Handle handle, long app, long number) {
        return handle.createQuery("SELECT id FROM chats WHERE application_id = ? AND chat_number = ?")
                .bind(0, app)
                .bind(1, number)
                .mapTo(Long.class)
                .one();
    }
}
