package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.Message;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.elasticsearch.ElasticsearchSearchIndex;
import dev.chatsystem.core.elasticsearch.TestIndices;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.IndexRebuild;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.MessageBatch;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import dev.chatsystem.core.testing.Services;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Redis comes back behind the store (restored from a snapshot, an AOF synced every second, a lagging replica
 * promoted): its counters give numbers the store already holds. Creates answered 201 under such a number must not
 * be dropped as replays: their bodies are stored under new numbers, and later creates are numbered past the store.
 */
class NumbersGivenAgainTest {
    private static final URI REDIS =
            Services.redisUrl().resolve("/9"); // shared with RedisBackendTest, flushed per test
    private static final Instant AT = Instant.now().truncatedTo(ChronoUnit.MICROS);

    private static final String NUMBERS_GIVEN_AGAIN = TestIndices.uniqueName("numbers-given-again");
    private static final String DISPLACED_THEN_REINDEXED = TestIndices.uniqueName("displaced-then-reindexed");

    @TempDir
    Path dataDir;

    @AfterAll
    static void deleteIndices() throws IOException {
        TestIndices.delete(NUMBERS_GIVEN_AGAIN, DISPLACED_THEN_REINDEXED);
    }

    /** Lucene keeps the last write, whatever its version (only the embedded form's single writer uses it). */
    @Test
    void messagesNumberedAgainAreStoredUnderNewNumbersOnH2() throws Exception {
        try (H2ChatStore store = H2ChatStore.open(dataDir);
                SearchIndex index = LuceneSearchIndex.open(dataDir.resolve("index"))) {
            messagesNumberedAgainAreStoredUnderNewNumbers(store, index, false);
        }
    }

    /** The production form: the index entries of the numbers given again must keep the stored bodies. */
    @Test
    void messagesNumberedAgainAreStoredAndIndexedUnderNewNumbersOnMySqlAndElasticsearch() throws Exception {
        Services.requireMysql();
        try (MySqlTestDatabase database = MySqlTestDatabase.create();
                ChatStore store = database.open();
                SearchIndex index =
                        ElasticsearchSearchIndex.open(Services.requireElasticsearch(), NUMBERS_GIVEN_AGAIN)) {
            messagesNumberedAgainAreStoredUnderNewNumbers(store, index, true);
        }
    }

    @Test
    void aChatNumberedAgainRaisesTheChatCounterPastTheStore() throws Exception {
        try (H2ChatStore store = H2ChatStore.open(dataDir);
                SearchIndex index = LuceneSearchIndex.open(dataDir.resolve("index"));
                RedisBackend backend = connect(store);
                AutoCloseable workers = workers(backend, store, index)) {
            String token = application(store);
            RedisWritePath writes = (RedisWritePath) backend.writePath();
            writes.createChat(token, AT);
            writes.createChat(token, AT.plusMillis(1));
            Await.until(() -> store.maxChatNumber(token) == 2, Duration.ofSeconds(30));

            writes.createMessage(token, 1, "in the stored chat", AT.plusMillis(1));
            writes.createMessage(token, 1, "in the stored chat too", AT.plusMillis(1));
            Await.until(() -> store.maxMessageNumber(token, 1) == 2, Duration.ofSeconds(30));

            setCounter(token, "c", 0); // Redis went back to before both chats
            assertThat(writes.createChat(token, AT.plusMillis(2))).isEqualTo(1); // given again, messages counter 0

            // by the worker that found it: the chats' counter, and the message counter the create reset
            Await.until(() -> raised(token, "c", 2) && raised(token, "m:1", 2), Duration.ofSeconds(30));
            assertThat(writes.createChat(token, AT.plusMillis(3))).isEqualTo(3);
            assertThat(writes.createMessage(token, 1, "after the repair", AT.plusMillis(4)))
                    .isEqualTo(3);
            Await.until(() -> store.maxChatNumber(token) == 3, Duration.ofSeconds(30));
            assertThat(store.chat(token, 1).orElseThrow().createdAt()).isEqualTo(AT);
        }
    }

    /**
     * The client edits the message it was answered with, which edits the stored one; the batch holding both fails
     * after its commit and is read again: by then the stored row's version is the edit's, and the create must still
     * be told from one delivered again.
     */
    @Test
    void aCreateNumberedAgainIsStoredWhenItsBatchIsReadAgainAfterAnEditOfTheStoredRow() throws Exception {
        try (H2ChatStore h2 = H2ChatStore.open(dataDir);
                SearchIndex index = LuceneSearchIndex.open(dataDir.resolve("index"));
                RedisBackend backend = connect(h2)) {
            String token = application(h2);
            RedisWritePath writes = (RedisWritePath) backend.writePath();
            writes.createChat(token, AT);
            for (int i = 1; i <= 3; i++) {
                writes.createMessage(token, 1, "stored " + i, AT.plusMillis(i));
            }
            try (AutoCloseable workers = workers(backend, h2, index)) {
                Await.until(() -> h2.countMessages(Optional.of(token)) == 3, Duration.ofSeconds(30));
            }

            setCounter(token, "m:1", 2);
            assertThat(writes.createMessage(token, 1, "acknowledged again", AT.plusMillis(10)))
                    .isEqualTo(3);
            writes.editMessage(token, 1, 3, "edited by its new owner", AT.plusMillis(11));
            ChatStore failingOnce = new RedisBackendTest.FailAfterApplyStore(h2, new AtomicInteger(1));
            try (AutoCloseable workers = workers(backend, failingOnce, index)) {
                Await.until(() -> h2.countMessages(Optional.of(token)) == 4, Duration.ofSeconds(30));
            }

            assertThat(h2.message(token, 1, 4).orElseThrow().body()).isEqualTo("acknowledged again");
            assertThat(h2.message(token, 1, 3).orElseThrow().body())
                    .as("the edit went to the number its client was given")
                    .isEqualTo("edited by its new owner");
        }
    }

    /**
     * A full reindex runs after the repair, and then the index group writes the displaced body under the stored
     * number (it lagged, or its entry was delivered again): the reindex copied the stored row with its version, which
     * the repair raised to the version of the stored body's index entry, above the displaced body's.
     */
    @Test
    void aReindexAfterTheRepairKeepsTheStoredBodyAboveTheDisplacedOnesLateIndexWrite() throws Exception {
        Services.requireMysql();
        try (MySqlTestDatabase database = MySqlTestDatabase.create();
                ChatStore store = database.open();
                SearchIndex index =
                        ElasticsearchSearchIndex.open(Services.requireElasticsearch(), DISPLACED_THEN_REINDEXED);
                RedisBackend backend = connect(store)) {
            String token = application(store);
            RedisWritePath writes = (RedisWritePath) backend.writePath();
            writes.createChat(token, AT);
            writes.createMessage(token, 1, "stored one", AT.plusMillis(1));
            writes.createMessage(token, 1, "stored two", AT.plusMillis(2));
            try (AutoCloseable workers = workers(backend, store, index)) {
                Await.until(() -> store.countMessages(Optional.of(token)) == 2, Duration.ofSeconds(30));
            }

            setCounter(token, "m:1", 1); // Redis went back to after message 1; the store holds 2
            assertThat(writes.createMessage(token, 1, "acknowledged again", AT.plusMillis(10)))
                    .isEqualTo(2);
            IndexedMessage displacedEntry = lastIndexEntry(token); // what the index group writes for it
            assertThat(displacedEntry.version()).isGreaterThan(storedVersion(store, token, 2));
            try (AutoCloseable workers = workers(backend, store, index)) {
                Await.until(
                        () -> store.countMessages(Optional.of(token)) == 3
                                && index.search(token, 1, "acknowledged", 10).equals(List.of(3L))
                                && index.search(token, 1, "stored", 10).size() == 2,
                        Duration.ofSeconds(30));
            }
            assertThat(storedVersion(store, token, 2))
                    .as("the stored row's version, raised to that of the index entry the repair wrote")
                    .isEqualTo(displacedEntry.version() + 1);

            reindexFully(store, index);
            index.upsert(List.of(displacedEntry)); // the lagging index group

            assertThat(index.search(token, 1, "acknowledged", 10))
                    .as("the displaced body is found under its new number only")
                    .containsExactly(3L);
            assertThat(index.search(token, 1, "stored", 10)).containsExactlyInAnyOrder(1L, 2L);
        }
    }

    /** As a full reindex does it: a new index filled from the store, rows with their versions, swapped in. */
    private static void reindexFully(ChatStore store, SearchIndex index) {
        try (IndexRebuild rebuild = index.startRebuild()) {
            long cursor = 0;
            for (MessageBatch batch = store.messagesForIndex(Optional.empty(), cursor, 100);
                    !batch.messages().isEmpty();
                    batch = store.messagesForIndex(Optional.empty(), cursor, 100)) {
                rebuild.upsert(batch.messages());
                cursor = batch.nextCursor();
            }
            rebuild.complete();
        }
    }

    /** The index entry of the newest write queued for the application, as the index group makes it. */
    private static IndexedMessage lastIndexEntry(String token) {
        try (RedisClient redis = RedisClient.create(REDIS)) {
            StreamEntry entry =
                    redis.xrevrange(new RedisKeys(1).stream(token), "+", "-", 1).getFirst();
            return StreamEntries.write(entry.getID(), entry.getFields())
                    .flatMap(StreamEntries::indexed)
                    .orElseThrow();
        }
    }

    private static long storedVersion(ChatStore store, String token, long messageNumber) {
        return store.messagesForIndex(Optional.of(token), 0, 100).messages().stream()
                .filter(message -> message.messageNumber() == messageNumber)
                .findFirst()
                .orElseThrow()
                .version();
    }

    private void messagesNumberedAgainAreStoredUnderNewNumbers(ChatStore store, SearchIndex index, boolean versioned)
            throws Exception {
        try (RedisBackend backend = connect(store);
                AutoCloseable workers = workers(backend, store, index)) {
            String token = application(store);
            RedisWritePath writes = (RedisWritePath) backend.writePath();
            writes.createChat(token, AT);
            for (int i = 1; i <= 5; i++) {
                writes.createMessage(token, 1, "stored " + i, AT.plusMillis(i));
            }
            Await.until(() -> store.countMessages(Optional.of(token)) == 5, Duration.ofSeconds(30));

            setCounter(token, "m:1", 2); // Redis went back to after message 2; the store holds 5
            List<Long> givenAgain = List.of(
                    writes.createMessage(token, 1, "acknowledged again a", AT.plusMillis(10)),
                    writes.createMessage(token, 1, "acknowledged again b", AT.plusMillis(11)),
                    writes.createMessage(token, 1, "acknowledged again c", AT.plusMillis(12)));
            assertThat(givenAgain).containsExactly(3L, 4L, 5L);

            Await.until(() -> store.countMessages(Optional.of(token)) == 8, Duration.ofSeconds(30));
            assertThat(store.messages(token, 1, 0, 100))
                    .extracting(Message::body)
                    .containsExactly(
                            "stored 1",
                            "stored 2",
                            "stored 3",
                            "stored 4",
                            "stored 5",
                            "acknowledged again a",
                            "acknowledged again b",
                            "acknowledged again c");
            assertThat(store.chat(token, 1).orElseThrow().messagesCount()).isEqualTo(8);
            assertThat(writes.createMessage(token, 1, "after the repair", AT.plusMillis(20)))
                    .isEqualTo(9);

            if (!versioned) {
                return;
            }
            // Until the stored bodies are back under 3 to 5 and the displaced ones indexed under 6 to 8: on the way,
            // the index group has the displaced bodies under 3 to 5, also three hits.
            Await.until(
                    () -> Set.copyOf(index.search(token, 1, "acknowledged", 10)).equals(Set.of(6L, 7L, 8L)),
                    Duration.ofSeconds(30));
            assertThat(index.search(token, 1, "acknowledged", 10))
                    .as("the displaced bodies are found under their new numbers only")
                    .containsExactlyInAnyOrder(6L, 7L, 8L);
            assertThat(index.search(token, 1, "stored", 10)).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
        }
    }

    private static RedisBackend connect(ChatStore store) {
        Services.requireRedis();
        try (RedisClient redis = RedisClient.create(REDIS)) {
            redis.flushDB();
        }
        return RedisBackend.connect(REDIS, 1, store);
    }

    private static AutoCloseable workers(RedisBackend backend, ChatStore store, SearchIndex index) {
        return backend.startWorkers(store, index, 100, "w", Duration.ofHours(24), WorkerListener.NONE);
    }

    private static String application(ChatStore store) {
        String token = "t" + System.nanoTime();
        store.createApplication(token, "app", AT);
        return token;
    }

    private static void setCounter(String token, String field, long value) {
        try (RedisClient redis = RedisClient.create(REDIS)) {
            redis.hset(new RedisKeys(1).counters(token), field, Long.toString(value));
        }
    }

    private static boolean raised(String token, String field, long atLeast) {
        try (RedisClient redis = RedisClient.create(REDIS)) {
            return Long.parseLong(redis.hget(new RedisKeys(1).counters(token), field)) >= atLeast;
        }
    }
}
