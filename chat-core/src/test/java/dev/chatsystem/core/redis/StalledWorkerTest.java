package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import dev.chatsystem.core.testing.Services;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/**
 * A worker that stalls longer than its lease (a long GC pause) after reading a batch, and applies it after its
 * successor re-read and applied the same entries and later ones: the late batch must not revert a newer edit. The
 * writes are real stream entries, versioned by their ids, applied to H2 and to MySQL/MariaDB.
 */
class StalledWorkerTest {
    private static final URI REDIS = Services.redisUrl().resolve("/5"); // a database of its own, flushed per test
    private static final Instant AT = Instant.now().truncatedTo(ChronoUnit.MICROS);

    @TempDir
    Path dataDir;

    @Test
    void aStalledWorkersLateBatchDoesNotRevertANewerEditOnH2() {
        try (H2ChatStore store = H2ChatStore.open(dataDir)) {
            staleBatchKeepsTheNewestEdit(store);
        }
    }

    @Test
    void aStalledWorkersLateBatchDoesNotRevertANewerEditOnMySql() {
        Services.requireMysql();
        try (MySqlTestDatabase database = MySqlTestDatabase.create();
                ChatStore store = database.open()) {
            staleBatchKeepsTheNewestEdit(store);
        }
    }

    @Test
    void versionsFollowStreamIdOrderWithinTheDocumentedBound() {
        assertThat(StreamEntries.version(new StreamEntryID(1_700_000_000_000L, 999_999)))
                .isLessThan(StreamEntries.version(new StreamEntryID(1_700_000_000_001L, 0)))
                .isEqualTo(1_700_000_000_000_999_999L);
    }

    @Test
    void aSequenceBeyondTheBoundSharesTheMillisecondsTopVersionInsteadOfStoppingTheShard() {
        long top = StreamEntries.version(new StreamEntryID(1_700_000_000_000L, 999_999));

        assertThat(StreamEntries.version(new StreamEntryID(1_700_000_000_000L, 1_000_000)))
                .isEqualTo(top);
        assertThat(StreamEntries.version(new StreamEntryID(1_700_000_000_000L, 5_000_000)))
                .isEqualTo(top)
                .isLessThan(StreamEntries.version(new StreamEntryID(1_700_000_000_001L, 0)));
    }

    private void staleBatchKeepsTheNewestEdit(ChatStore store) {
        Services.requireRedis();
        try (RedisClient redis = RedisClient.create(REDIS)) {
            redis.flushDB();
        }
        String token = "t" + System.nanoTime();
        store.createApplication(token, "app", AT);
        List<Write> stream;
        try (RedisBackend backend = RedisBackend.connect(REDIS, 1, store)) {
            RedisWritePath writes = (RedisWritePath) backend.writePath();
            writes.createChat(token, AT);
            long message = writes.createMessage(token, 1, "v1", AT);
            writes.editMessage(token, 1, message, "v2", AT.plusMillis(2));
            writes.editMessage(token, 1, message, "v3", AT.plusMillis(3));
            stream = entries(token);
        }
        assertThat(stream).hasSize(4);
        List<Write> stalled = stream.subList(0, 3); // read by the old lease holder: up to edit v2
        long v2 = ((Write.MessageEdited) stream.get(2)).version();
        long v3 = ((Write.MessageEdited) stream.get(3)).version();
        assertThat(v3).isGreaterThan(v2);

        store.apply(stream); // the successor re-reads everything and applies it
        store.apply(stalled); // the old holder wakes up and applies its batch
        store.apply(List.of(stream.get(2))); // and once more, alone

        assertThat(store.message(token, 1, 1).orElseThrow().body()).isEqualTo("v3");
        assertThat(store.message(token, 1, 1).orElseThrow().updatedAt()).isEqualTo(AT.plusMillis(3));
        assertThat(store.chat(token, 1).orElseThrow().messagesCount()).isEqualTo(1);
        assertThat(store.messagesForIndex(Optional.of(token), 0, 10).messages())
                .containsExactly(new IndexedMessage(token, 1, 1, "v3", v3));
    }

    /** The shard stream's entries as the workers decode them. */
    private static List<Write> entries(String token) {
        try (RedisClient redis = RedisClient.create(REDIS)) {
            return redis.xrange(new RedisKeys(1).stream(token), "-", "+").stream()
                    .map(entry -> StreamEntries.write(entry.getID(), entry.getFields())
                            .orElseThrow())
                    .toList();
        }
    }
}
