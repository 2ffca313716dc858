package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.ControlledIndex;
import dev.chatsystem.core.testing.RecordingWorkerListener;
import dev.chatsystem.core.testing.Services;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/** The Redis workers report each batch they acknowledge, per stage and shard, with each entry's lag. */
class WorkerBatchesTest {
    private static final URI REDIS = Services.redisUrl().resolve("/5"); // this test's own database, flushed per test
    private static final Instant AT = Instant.now().truncatedTo(ChronoUnit.MICROS);
    private static final int SHARDS = 4;

    @TempDir
    Path dataDir;

    private H2ChatStore store;
    private SearchIndex index;
    private RedisBackend backend;
    private final RecordingWorkerListener listener = new RecordingWorkerListener();

    @BeforeEach
    void setUp() {
        Services.requireRedis();
        try (RedisClient redis = RedisClient.create(REDIS)) {
            redis.flushDB();
        }
        store = H2ChatStore.open(dataDir);
        index = LuceneSearchIndex.open(dataDir.resolve("index"));
        backend = RedisBackend.connect(REDIS, SHARDS, store);
    }

    @AfterEach
    void tearDown() {
        backend.close();
        index.close();
        store.close();
    }

    @Test
    void reportsPersistAndIndexBatchesWithTheirSizesShardAndLag() throws Exception {
        String token = "t" + System.nanoTime();
        store.createApplication(token, "app", AT);
        backend.writePath().createChat(token, AT);
        for (int i = 0; i < 30; i++) {
            backend.writePath().createMessage(token, 1, "message " + i, AT);
        }
        Thread.sleep(200); // every entry waits at least this long before a worker reads it

        try (AutoCloseable workers = backend.startWorkers(store, index, 10, "w", Duration.ofHours(24), listener)) {
            awaitTrue(() -> listener.total(QueueBacklog.PERSIST) == 31 && listener.total(QueueBacklog.INDEX) == 31);
        }

        // Everything was queued before the workers started, so each read takes a full batch until the last.
        assertThat(listener.entries(QueueBacklog.PERSIST)).containsExactly(10, 10, 10, 1);
        assertThat(listener.entries(QueueBacklog.INDEX)).containsExactly(10, 10, 10, 1);
        int shard = new RedisKeys(SHARDS).shardOf(token);
        assertThat(listener.batches)
                .allSatisfy(batch -> assertThat(batch.shard()).isEqualTo(shard));
        for (String stage : List.of(QueueBacklog.PERSIST, QueueBacklog.INDEX)) {
            assertThat(listener.lags(stage)).hasSize(31).allMatch(lag -> lag >= 200 && lag < 30_000);
        }
        assertThat(store.countMessages(java.util.Optional.of(token))).isEqualTo(30);
    }

    @Test
    void aSteadyTrickleIsDrainedInFullerBatches() throws Exception {
        String token = "t" + System.nanoTime();
        store.createApplication(token, "app", AT);
        backend.writePath().createChat(token, AT);
        int messages = 100;
        long trickleMillis;
        try (AutoCloseable workers = backend.startWorkers(store, index, 500, "w", Duration.ofHours(24), listener)) {
            awaitTrue(() -> listener.total(QueueBacklog.PERSIST) == 1);
            long start = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                backend.writePath().createMessage(token, 1, "message " + i, AT);
                Thread.sleep(5); // a trickle: each message alone, were the workers to read as soon as one arrives
            }
            trickleMillis = (System.nanoTime() - start) / 1_000_000;
            awaitTrue(() -> listener.total(QueueBacklog.PERSIST) == messages + 1
                    && listener.total(QueueBacklog.INDEX) == messages + 1);
        }
        // Waiting ShardDrainer.LINGER (50 ms) after a small batch gathers the messages of about that long per batch
        // (ten, 5 ms apart), so the batches are bounded by the trickle's duration, however slow this machine makes
        // it, rather than by the number of messages.
        int bound = (int) Math.min(messages - 1, trickleMillis / ShardDrainer.LINGER.toMillis() + 5);
        assertThat(listener.entries(QueueBacklog.PERSIST)).hasSizeLessThanOrEqualTo(bound);
        assertThat(listener.entries(QueueBacklog.INDEX)).hasSizeLessThanOrEqualTo(bound);
        assertThat(store.countMessages(java.util.Optional.of(token))).isEqualTo(messages);
    }

    @Test
    void anIndexThatHangsHoldsAtMostItsOwnBatchesAndNeverHoldsBackPersistence() throws Exception {
        RedisKeys keys = new RedisKeys(SHARDS);
        Set<Integer> shards = new HashSet<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; shards.size() < SHARDS; i++) { // an application on every shard
            String token = "t" + System.nanoTime() + "-" + i;
            if (shards.add(keys.shardOf(token))) {
                tokens.add(token);
            }
        }
        for (String token : tokens) {
            store.createApplication(token, "app", AT);
            backend.writePath().createChat(token, AT);
            for (int i = 0; i < 5; i++) {
                backend.writePath().createMessage(token, 1, "message " + i, AT);
            }
        }
        ControlledIndex hanging = new ControlledIndex(index);
        hanging.hold();

        try (AutoCloseable workers = backend.startWorkers(store, hanging, 10, "w", Duration.ofHours(24), listener)) {
            try {
                awaitTrue(() -> listener.total(QueueBacklog.PERSIST) == SHARDS * 6);
                awaitTrue(() -> hanging.waitingAtGate() == StreamWorkers.BATCHES_IN_FLIGHT);
                Thread.sleep(200); // and no more join them
                assertThat(hanging.waitingAtGate()).isEqualTo(StreamWorkers.BATCHES_IN_FLIGHT);
            } finally {
                hanging.release();
            }
            awaitTrue(() -> listener.total(QueueBacklog.INDEX) == SHARDS * 6);
        }
        for (String token : tokens) {
            assertThat(store.countMessages(java.util.Optional.of(token))).isEqualTo(5);
        }
    }

    @Test
    void aStopWaitsForHungDrainersOnceInAllNotOnceEach() throws Exception {
        RedisKeys keys = new RedisKeys(SHARDS);
        Set<Integer> shards = new HashSet<>();
        for (int i = 0; shards.size() < SHARDS; i++) { // an application on every shard
            String token = "t" + System.nanoTime() + "-" + i;
            if (shards.add(keys.shardOf(token))) {
                store.createApplication(token, "app", AT);
                backend.writePath().createChat(token, AT);
                backend.writePath().createMessage(token, 1, "message", AT);
            }
        }
        ControlledIndex hanging = new ControlledIndex(index);
        hanging.hold();
        AutoCloseable workers = backend.startWorkers(store, hanging, 10, "w", Duration.ofHours(24), listener);
        try {
            awaitTrue(() -> hanging.waitingAtGate() == StreamWorkers.BATCHES_IN_FLIGHT); // two drainers hung

            long start = System.nanoTime();
            workers.close();

            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("one deadline for all, where each hung drainer was waited for 30 s")
                    .isLessThan(StreamWorkers.STOP_WITHIN.plusSeconds(5));
        } finally {
            hanging.release();
        }
    }

    @Test
    void aStopStartsNoNewBatchWhileItWaitsForAnIndexCatchUpPass() throws Exception {
        String token = "t" + System.nanoTime();
        store.createApplication(token, "app", AT);
        store.apply(List.of( // stored before the queue existed: the catch-up pass indexes it
                new Write.ChatCreated(token, 1, AT), new Write.MessageCreated(token, 1, 1, "stored", AT, 1)));
        backend.writePath().createChat(token, AT); // chat 2, which carries no index entry
        ControlledIndex hanging = new ControlledIndex(index);
        hanging.hold();
        AutoCloseable workers = backend.startWorkers(store, hanging, 10, "w", Duration.ofHours(24), listener);
        CompletableFuture<Void> stopping = null;
        try {
            // The groups were missing, so a catch-up pass runs; it hangs on the index.
            awaitTrue(() -> listener.total(QueueBacklog.PERSIST) == 1 && hanging.waitingAtGate() == 1);

            // Returns once close() waits (for the pass): it has told the drainers to stop by then.
            stopping = Await.blockedIn(
                    () -> {
                        try {
                            workers.close();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    Duration.ofSeconds(30));
            assertThat(stopping).as("close() waits for the hanging pass").isNotDone();
            backend.writePath().createChat(token, AT); // chat 3, queued while the stop waits for the pass
            Thread.sleep(1_000); // a drainer still running persists it within milliseconds
        } finally {
            hanging.release();
            if (stopping == null) {
                workers.close();
            }
        }

        stopping.get(StreamWorkers.STOP_WITHIN.plusSeconds(5).toSeconds(), TimeUnit.SECONDS); // close()'s own failures
        assertThat(listener.total(QueueBacklog.PERSIST)).isEqualTo(1);
        assertThat(store.chat(token, 3)).isEmpty();
    }

    @Test
    void lagIsMeasuredFromTheStreamIdAndNeverNegative() {
        List<redis.clients.jedis.resps.StreamEntry> entries = List.of(
                new redis.clients.jedis.resps.StreamEntry(
                        new redis.clients.jedis.StreamEntryID(1_000, 0), java.util.Map.of()),
                new redis.clients.jedis.resps.StreamEntry(
                        new redis.clients.jedis.StreamEntryID(1_500, 3), java.util.Map.of()));

        assertThat(ShardDrainer.lagMillis(entries, 1_200)).containsExactly(200, 0);
    }

    private static void awaitTrue(BooleanSupplier condition) {
        Await.until(condition, Duration.ofSeconds(30));
    }
}
