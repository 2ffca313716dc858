package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.ControlledIndex;
import dev.chatsystem.core.testing.InterceptedStore;
import dev.chatsystem.core.testing.RecordingWorkerListener;
import dev.chatsystem.core.testing.Services;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/**
 * Redis loses its data while a persist batch read from the queue is still being stored, and the catch-up pass that the
 * index drainer asks for runs before the batch commits: the batch's message, whose index entry was lost with the
 * queue, must still reach the index, also when another worker took the shard over meanwhile.
 */
class LateLostBatchCatchUpTest {
    private static final URI REDIS = Services.redisUrl().resolve("/12"); // this test's own database, flushed per test
    private static final Instant AT = Instant.now().truncatedTo(ChronoUnit.MICROS);

    @TempDir
    Path dataDir;

    @Test
    @Timeout(60)
    void aLostQueuesBatchCommittedAfterTheCatchUpPassIsIndexedByAPassAfterIt() throws Exception {
        Services.requireRedis();
        flushDb();
        try (H2ChatStore h2 = H2ChatStore.open(dataDir);
                LuceneSearchIndex lucene = LuceneSearchIndex.open(dataDir.resolve("index"));
                RedisBackend backend = RedisBackend.connect(REDIS, 1, h2)) {
            String token = "late-lost-batch-" + System.nanoTime();
            h2.createApplication(token, "app", AT);
            CountDownLatch applying = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ChatStore store = blockingApply(h2, applying, release);
            ControlledIndex index = new ControlledIndex(lucene);
            index.failing(true); // the index entries stay queued until Redis loses them
            backend.writePath().createChat(token, AT);
            backend.writePath().createMessage(token, 1, "stored after the pass", AT);

            try (AutoCloseable workers =
                    backend.startWorkers(store, index, 100, "w", Duration.ofHours(24), new RecordingWorkerListener())) {
                assertThat(applying.await(20, TimeUnit.SECONDS)).isTrue();
                flushDb();
                index.failing(false);
                // The index drainer finds its group gone and asks for a pass, which ends before the batch commits.
                String marker = new RedisKeys(1).catchUp();
                Await.until(() -> exists(marker), Duration.ofSeconds(20));
                Await.until(() -> !exists(marker), Duration.ofSeconds(20));
                assertThat(lucene.count()).isZero();

                release.countDown();

                Await.until(() -> lucene.count() == 1, Duration.ofSeconds(15));
            }
            assertThat(lucene.search(token, 1, "stored", 10)).containsExactly(1L);
        }
    }

    /**
     * A second worker takes the shard's persist lease before the first one's renewal (it retries every second, the
     * renewal comes every third of the lease), finds the loss, recreates the group (asking for a pass, before the
     * fix), and the index drainer's pass ends before the batch commits: the first worker, whose renewal then fails,
     * never reads the shard again.
     */
    @Test
    @Timeout(90)
    void aLostQueuesBatchCommittedAfterTheCatchUpPassIsIndexedThoughAnotherWorkerTookItsShard() throws Exception {
        Services.requireRedis();
        flushDb();
        try (H2ChatStore h2 = H2ChatStore.open(dataDir);
                LuceneSearchIndex lucene = LuceneSearchIndex.open(dataDir.resolve("index"));
                // Not reseeding: the reseed that finds the flush once the batch has stored a persisted mark records a
                // pass of its own, which may or may not come after the batch; what is tested is the drainers' doing.
                RedisBackend backend = RedisBackend.connect(
                        REDIS, 1, RedisBackend.MAX_STREAM_LENGTH, RedisBackend.MAX_STREAM_BYTES, false, h2)) {
            String token = "late-lost-batch-taken-over-" + System.nanoTime();
            h2.createApplication(token, "app", AT);
            CountDownLatch applying = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ControlledIndex index = new ControlledIndex(lucene);
            index.failing(true); // the index entries stay queued until Redis loses them
            backend.writePath().createChat(token, AT);
            backend.writePath().createMessage(token, 1, "stored after the pass", AT);
            RedisKeys keys = new RedisKeys(1);
            String stream = keys.stream(0);
            String persistLease = keys.lease(0, StreamWorkers.PERSIST);
            String indexLease = keys.lease(0, StreamWorkers.INDEX);
            createGroups(stream); // a running deployment: only the loss below makes a drainer ask for a pass

            try (AutoCloseable w1 = backend.startWorkers(
                    blockingApply(h2, applying, release),
                    index,
                    100,
                    "w1",
                    Duration.ofHours(24),
                    new RecordingWorkerListener())) {
                assertThat(applying.await(20, TimeUnit.SECONDS)).isTrue();
                try (AutoCloseable w2 = backend.startWorkers(
                        h2, index, 100, "w2", Duration.ofHours(24), new RecordingWorkerListener())) {
                    // w2 wins the race for the persist lease; the index lease is held back until w2 has found the
                    // loss, so that every pass asked for is asked for before the one awaited below.
                    flushDbLeasing(Map.of(persistLease, "w2", indexLease, "test"));
                    index.failing(false);
                    Await.until(() -> hasGroup(stream, StreamWorkers.PERSIST), Duration.ofSeconds(20));
                    release(indexLease, "test");
                    // An index drainer finds its group gone and asks for a pass, which ends before the batch commits.
                    Await.until(() -> hasGroup(stream, StreamWorkers.INDEX), Duration.ofSeconds(20));
                    Await.until(() -> exists(keys.catchUp()), Duration.ofSeconds(20));
                    Await.until(() -> !exists(keys.catchUp()), Duration.ofSeconds(20));
                    assertThat(lucene.count()).isZero();
                    assertThat(get(persistLease)).as("the shard is w2's").isEqualTo("w2");

                    release.countDown();

                    Await.until(() -> lucene.count() == 1, Duration.ofSeconds(15));
                    assertThat(get(persistLease))
                            .as("w1 did not take the shard back")
                            .isEqualTo("w2");
                }
            }
            assertThat(lucene.search(token, 1, "stored", 10)).containsExactly(1L);
        }
    }

    /** The store, whose first apply waits for {@code release} after counting {@code applying} down. */
    private static ChatStore blockingApply(ChatStore store, CountDownLatch applying, CountDownLatch release) {
        return InterceptedStore.around(store, (method, args, real) -> {
            if (method.getName().equals("apply") && applying.getCount() > 0) {
                applying.countDown();
                release.await();
            }
            return real.proceed();
        });
    }

    private static boolean exists(String key) {
        try (RedisClient redis = RedisClient.create(REDIS)) {
            return redis.exists(key);
        }
    }

    /**
     * Flushes the database and hands out leases in one step (lease key to owner): as if those owners took them before
     * their holders' renewal, which a race decides only most of the time.
     */
    private static void flushDbLeasing(Map<String, String> leases) {
        List<String> keys = List.copyOf(leases.keySet());
        try (RedisClient redis = RedisClient.create(REDIS)) {
            redis.eval("""
                    redis.call('FLUSHDB')
                    for i, key in ipairs(KEYS) do redis.call('SET', key, ARGV[i], 'PX', 60000) end
                    """, keys, keys.stream().map(leases::get).toList());
        }
    }

    private static void release(String lease, String owner) {
        try (RedisClient redis = RedisClient.create(REDIS)) {
            Scripts.RELEASE.run(redis, List.of(lease), List.of(owner));
        }
    }

    private static void createGroups(String stream) {
        try (RedisClient redis = RedisClient.create(REDIS)) {
            redis.xgroupCreate(stream, StreamWorkers.PERSIST, new StreamEntryID(0, 0), false);
            redis.xgroupCreate(stream, StreamWorkers.INDEX, new StreamEntryID(0, 0), false);
        }
    }

    private static boolean hasGroup(String stream, String group) {
        try (RedisClient redis = RedisClient.create(REDIS)) {
            return redis.exists(stream)
                    && redis.xinfoGroups(stream).stream()
                            .anyMatch(info -> info.getName().equals(group));
        }
    }

    private static String get(String key) {
        try (RedisClient redis = RedisClient.create(REDIS)) {
            return redis.get(key);
        }
    }

    private static void flushDb() {
        try (RedisClient redis = RedisClient.create(REDIS)) {
            redis.flushDB();
        }
    }
}
