package dev.chatsystem.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.mysql.MySqlChatStore;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChatIdsTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    private MySqlTestDatabase database;
    private MySqlChatStore store;
    private Handle handle;

    @BeforeEach
    void open() throws Exception {
        database = MySqlTestDatabase.create();
        store = database.open();
        store.createApplication("tok", "app", AT);
        handle = Jdbi.open(database.connect());
    }

    @AfterEach
    void close() {
        handle.close();
        store.close();
        database.close();
    }

    @Test
    void readsAChatIdOnceAndKeepsIt() {
        ChatIds ids = new ChatIds(100);
        store.apply(List.of(new Write.ChatCreated("tok", 1, AT)));
        Optional<Long> first = ids.find(handle, "tok", 1);

        // Chats are never deleted by the store; deleting one here shows the second answer comes from the cache.
        handle.execute("DELETE FROM chats WHERE id = ?", first.orElseThrow());

        assertThat(ids.find(handle, "tok", 1)).isEqualTo(first);
        assertThat(new ChatIds(100).find(handle, "tok", 1)).isEmpty();
    }

    @Test
    void doesNotRememberAChatThatDoesNotExistYet() {
        ChatIds ids = new ChatIds(100);
        assertThat(ids.find(handle, "tok", 1)).isEmpty();

        store.apply(List.of(new Write.ChatCreated("tok", 1, AT)));

        assertThat(ids.find(handle, "tok", 1))
                .isEqualTo(Reads.chatId(handle, "tok", 1))
                .isPresent();
        assertThat(ids.find(handle, "other", 1)).isEmpty();
    }
}
