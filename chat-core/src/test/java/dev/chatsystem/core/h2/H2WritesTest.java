package dev.chatsystem.core.h2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.jdbc.JdbcChatStore;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Write.ChatCreated;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded writer is one thread behind every create: reads holding every connection must not keep it waiting, for
 * a batch or for what it looks up before one (a chat's highest number, an idempotency key).
 */
class H2WritesTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void batchesAreWrittenWhileReadsHoldEveryConnection(@TempDir Path dir) throws Exception {
        try (H2Database database = H2Database.open(dir, true)) {
            JdbcChatStore store = new JdbcChatStore(database) {};
            ChatStore writer = store.writer();
            store.createApplication("tok", "app", T0);
            List<Connection> held = new ArrayList<>();
            try {
                for (int i = 0; i < H2Database.POOL_SIZE; i++) {
                    held.add(database.dataSource().getConnection());
                }

                assertThat(writer.maxChatNumber("tok")).isZero();
                assertThat(writer.idempotencyRecord("chats:tok", "key", T0)).isEmpty();
                writer.apply(List.of(new ChatCreated("tok", 1, T0)));
                assertThat(writer.maxMessageNumber("tok", 1)).isZero();
                writer.purgeIdempotencyRecords(T0, 10);
            } finally {
                for (Connection connection : held) {
                    connection.close();
                }
            }

            assertThat(store.chat("tok", 1)).isPresent();
        }
    }
}
