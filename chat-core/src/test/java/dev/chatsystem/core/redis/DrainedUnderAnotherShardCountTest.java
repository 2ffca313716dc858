package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.RecordingWorkerListener;
import dev.chatsystem.core.testing.RedisDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers started with one shard count drain what a writer with another queued (Redis flushed, and the other
 * process recorded its count first; see {@link ShardAgreement}): each entry's pending value is forgotten from the hash
 * the script wrote, under the tag of the stream it was read from, not from the hash the workers' count would name.
 */
class DrainedUnderAnotherShardCountTest {
    private static final Instant AT = Instant.now().truncatedTo(ChronoUnit.MICROS);
    private static final int WRITER_SHARDS = 4;
    private static final int WORKER_SHARDS = 8;

    @RegisterExtension
    final RedisDatabase redis = new RedisDatabase(1); // a database of its own, flushed around each test

    @TempDir
    Path dataDir;

    private H2ChatStore store;
    private SearchIndex index;
    private RedisBackend workerBackend;
    private RedisBackend writerBackend;

    @BeforeEach
    void setUp() {
        store = H2ChatStore.open(dataDir);
        index = LuceneSearchIndex.open(dataDir.resolve("index"));
    }

    @AfterEach
    void tearDown() {
        if (writerBackend != null) {
            writerBackend.close();
        }
        if (workerBackend != null) {
            workerBackend.close();
        }
        index.close();
        store.close();
    }

    @Test
    void pendingValuesAreForgottenFromTheHashOfTheStreamTheirEntryCameFrom() throws Exception {
        String token = tokenOnAnotherShardUnderTheWorkersCount();
        RedisKeys writerKeys = new RedisKeys(WRITER_SHARDS);
        RedisKeys workerKeys = new RedisKeys(WORKER_SHARDS);
        String written = writerKeys.pending(token);
        String workersOwn = workerKeys.pending(token);

        workerBackend = RedisBackend.connect(redis.url(), WORKER_SHARDS, store); // records 8
        // The agreement guard is bypassed the way a flush does it: the record is gone, and the writer records 4.
        redis.client().del(workerKeys.shardCount());
        writerBackend = RedisBackend.connect(redis.url(), WRITER_SHARDS, store);
        store.createApplication(token, "app", AT);
        writerBackend.writePath().createChat(token, AT);
        writerBackend.writePath().createMessage(token, 1, "hello", AT);
        Map<String, String> pending = redis.client().hgetAll(written);
        assertThat(pending).containsOnlyKeys(RedisKeys.chatField(1), RedisKeys.messageField(1, 1));
        // The same values under the key the workers' own count names, which a delete there would empty.
        redis.client().hset(workersOwn, pending);

        RecordingWorkerListener listener = new RecordingWorkerListener();
        try (AutoCloseable workers =
                workerBackend.startWorkers(store, index, 10, "w", Duration.ofHours(24), listener)) {
            Await.until(() -> listener.total(QueueBacklog.PERSIST) == 2, Duration.ofSeconds(30));
        }

        assertThat(store.countMessages(Optional.of(token))).isEqualTo(1);
        assertThat(redis.client().exists(written))
                .as("the hash the script wrote")
                .isFalse();
        assertThat(redis.client().hgetAll(workersOwn))
                .as("no other hash lost a value")
                .isEqualTo(pending);
    }

    /** A token whose shard under the writer's count differs from its shard under the workers'. */
    private static String tokenOnAnotherShardUnderTheWorkersCount() {
        RedisKeys writerKeys = new RedisKeys(WRITER_SHARDS);
        RedisKeys workerKeys = new RedisKeys(WORKER_SHARDS);
        for (int i = 0; ; i++) {
            String token = "t" + System.nanoTime() + "-" + i;
            if (writerKeys.shardOf(token) != workerKeys.shardOf(token)) {
                return token;
            }
        }
    }
}
