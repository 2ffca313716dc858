package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.embedded.LocalJobLock;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.JobLock;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.ControlledIndex;
import dev.chatsystem.core.testing.LosableJobLock;
import dev.chatsystem.core.testing.RedisDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class IndexCatchUpTest {
    private static final Instant AT = Instant.now().truncatedTo(ChronoUnit.MICROS);
    private static final RedisKeys KEYS = new RedisKeys(1);

    @RegisterExtension
    final RedisDatabase redis = new RedisDatabase(4); // shared with SearchAheadOfTheStoreTest, flushed per test

    @TempDir
    Path dataDir;

    @Test
    void indexesEveryStoredMessageAndResumesWhereAFailedBatchStopped() {
        try (H2ChatStore store = H2ChatStore.open(dataDir);
                LuceneSearchIndex lucene = LuceneSearchIndex.open(dataDir.resolve("index"))) {
            store.createApplication("tok", "app", AT);
            List<Write> writes = new ArrayList<>(List.of(new Write.ChatCreated("tok", 1, AT)));
            for (long number = 1; number <= 2_500; number++) { // three batches of up to 1,000
                writes.add(new Write.MessageCreated("tok", 1, number, "stored " + number, AT, number));
            }
            store.apply(writes);
            ControlledIndex index = new ControlledIndex(lucene);
            AtomicInteger calls = new AtomicInteger();
            index.beforeUpsert(() -> {
                if (calls.incrementAndGet() == 2) { // an Elasticsearch briefly away refuses the second batch
                    throw new BackendUnavailableException("search index: away for a moment");
                }
            });

            try (IndexCatchUp catchUp =
                    new IndexCatchUp(store, index, new InMemoryCatchUpMarker(), new LocalJobLock())) {
                catchUp.request();
                catchUp.request(); // asked twice before the pass starts: one pass
                Await.until(() -> lucene.count() == 2_500, Duration.ofSeconds(30));
            }

            // batch 1, batch 2 refused, batch 2 again after the pause, batch 3: not restarted from the first
            assertThat(calls.get()).isEqualTo(4);
            assertThat(index.upserted()).extracting(List::size).containsExactly(1_000, 1_000, 500);
            assertThat(lucene.search("tok", 1, "stored", 3_000)).hasSize(2_500);
        }
    }

    @Test
    void aBatchFailingWithAnErrorIsRetriedAndLaterPassesStillRun() {
        try (H2ChatStore store = H2ChatStore.open(dataDir);
                LuceneSearchIndex lucene = LuceneSearchIndex.open(dataDir.resolve("index"))) {
            store.createApplication("tok", "app", AT);
            store.apply(List.of(
                    new Write.ChatCreated("tok", 1, AT), new Write.MessageCreated("tok", 1, 1, "first", AT, 1)));
            ControlledIndex index = new ControlledIndex(lucene);
            AtomicInteger calls = new AtomicInteger();
            index.beforeUpsert(() -> {
                if (calls.incrementAndGet() == 1) {
                    throw new OutOfMemoryError("simulated");
                }
            });

            try (IndexCatchUp catchUp =
                    new IndexCatchUp(store, index, new InMemoryCatchUpMarker(), new LocalJobLock())) {
                catchUp.request();
                Await.until(() -> lucene.count() == 1, Duration.ofSeconds(30));
                store.apply(List.of(new Write.MessageCreated("tok", 1, 2, "second", AT, 2)));
                catchUp.request(); // the thread is alive to take it
                Await.until(() -> lucene.count() == 2, Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void aPassCoversTheMessagesStoredWhenItStartsNotThoseAWorkerPersistsDuringIt() {
        try (H2ChatStore store = H2ChatStore.open(dataDir);
                LuceneSearchIndex lucene = LuceneSearchIndex.open(dataDir.resolve("index"))) {
            store.createApplication("tok", "app", AT);
            store.apply(List.of(
                    new Write.ChatCreated("tok", 1, AT), new Write.MessageCreated("tok", 1, 1, "before", AT, 1)));
            ControlledIndex index = new ControlledIndex(lucene);
            AtomicInteger calls = new AtomicInteger();
            index.beforeUpsert(() -> {
                if (calls.incrementAndGet() == 1) { // while the pass indexes its first batch, a worker persists more
                    List<Write> drained = new ArrayList<>();
                    for (long number = 2; number <= 1_500; number++) {
                        drained.add(new Write.MessageCreated("tok", 1, number, "drained " + number, AT, number));
                    }
                    store.apply(drained);
                }
            });

            try (IndexCatchUp catchUp =
                    new IndexCatchUp(store, index, new InMemoryCatchUpMarker(), new LocalJobLock())) {
                catchUp.request();
                Await.until(() -> !index.upserted().isEmpty(), Duration.ofSeconds(30));
                // Taken once the first pass has ended (one pass at a time), by a second one that starts over at the
                // first message: whatever the first indexed comes before it.
                catchUp.request();
                Await.until(() -> index.upserted().size() >= 2, Duration.ofSeconds(30));
            }

            List<List<IndexedMessage>> upserted = List.copyOf(index.upserted());
            assertThat(upserted.get(0))
                    .extracting(IndexedMessage::messageNumber)
                    .containsExactly(1L);
            assertThat(upserted.get(1).getFirst().messageNumber())
                    .as("the first pass ended at the end the store had when it started")
                    .isEqualTo(1L);
        }
    }

    @Test
    void aPassOwedByAWorkerThatStoppedIsRunByAnotherAtItsStart() {
        try (H2ChatStore store = H2ChatStore.open(dataDir);
                LuceneSearchIndex lucene = LuceneSearchIndex.open(dataDir.resolve("index"))) {
            storeMessages(store, 3);
            CatchUpMarker marker = CatchUpMarker.inRedis(redis.client(), KEYS);
            marker.set(); // what the worker that found the queue missing left when it stopped

            try (IndexCatchUp catchUp = new IndexCatchUp(store, lucene, marker, redisLock("second"))) {
                Await.until(() -> lucene.count() == 3, Duration.ofSeconds(30));
                Await.until(() -> marker.get().isEmpty(), Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void aPassOwedIsLeftToTheWorkerHoldingTheJobUntilItsLockIsGivenUp() {
        try (H2ChatStore store = H2ChatStore.open(dataDir);
                LuceneSearchIndex lucene = LuceneSearchIndex.open(dataDir.resolve("index"))) {
            storeMessages(store, 3);
            CatchUpMarker marker = CatchUpMarker.inRedis(redis.client(), KEYS);
            marker.set();
            JobLock.Held first = redisLock("first").tryLock(IndexCatchUp.JOB).orElseThrow();

            try (IndexCatchUp catchUp = new IndexCatchUp(store, lucene, marker, redisLock("second"))) {
                catchUp.request(); // this worker notices a loss too, while the first runs the pass
                sleep(Duration.ofSeconds(2));
                assertThat(lucene.count()).as("left to the first").isZero();
                first.close(); // stopped before the end: the record is still there

                Await.until(() -> lucene.count() == 3, Duration.ofSeconds(30)); // at the next check
                Await.until(() -> marker.get().isEmpty(), Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void aPassCutShortByItsWorkersStopIsFinishedByAnother() throws Exception {
        try (H2ChatStore store = H2ChatStore.open(dataDir);
                LuceneSearchIndex lucene = LuceneSearchIndex.open(dataDir.resolve("index"))) {
            storeMessages(store, 2_500);
            CatchUpMarker marker = CatchUpMarker.inRedis(redis.client(), KEYS);
            ControlledIndex index = new ControlledIndex(lucene);
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch stopCalled = new CountDownLatch(1);
            index.beforeUpsert(() -> {
                if (calls.incrementAndGet() == 1) { // the worker is told to stop meanwhile
                    try {
                        assertThat(stopCalled.await(30, TimeUnit.SECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            });
            IndexCatchUp stopping = new IndexCatchUp(store, index, marker, redisLock("first"));
            stopping.request();
            Await.until(() -> calls.get() >= 1, Duration.ofSeconds(30));
            // close() waits for the pass's thread, which waits in its first batch until close() has been called.
            CompletableFuture<Void> closing = Await.blockedIn(stopping::close, Duration.ofSeconds(30));
            stopCalled.countDown();
            closing.get(30, TimeUnit.SECONDS);
            assertThat(lucene.count()).as("stopped after its first batch").isEqualTo(1_000);
            assertThat(marker.get()).as("still owed").isPresent();

            try (IndexCatchUp other = new IndexCatchUp(store, lucene, marker, redisLock("second"))) {
                Await.until(() -> lucene.count() == 2_500, Duration.ofSeconds(30));
                Await.until(() -> marker.get().isEmpty(), Duration.ofSeconds(30));
            }
        }
    }

    /** Its lock lost (Redis lost it with its data, or this worker paused past it): the pass stops and stays owed. */
    @Test
    void aPassWhoseLockIsLostStopsAndStaysOwed() throws InterruptedException {
        try (H2ChatStore store = H2ChatStore.open(dataDir);
                LuceneSearchIndex lucene = LuceneSearchIndex.open(dataDir.resolve("index"))) {
            storeMessages(store, 2_500);
            CatchUpMarker marker = new InMemoryCatchUpMarker();
            ControlledIndex index = new ControlledIndex(lucene);
            LosableJobLock losing = new LosableJobLock();
            index.beforeUpsert(() -> losing.lost(true)); // lost while the first batch is indexed

            try (IndexCatchUp catchUp = new IndexCatchUp(store, index, marker, losing)) {
                catchUp.request();
                assertThat(losing.closedWithin(Duration.ofSeconds(30))).isTrue();
                Await.until(() -> lucene.count() == 1_000, Duration.ofSeconds(30));
                assertThat(marker.get()).as("still owed").isPresent();
            }
        }
    }

    private JobLock redisLock(String owner) {
        return new RedisJobLock(redis.client(), KEYS, owner, RedisJobLock.TTL);
    }

    private static void storeMessages(H2ChatStore store, int count) {
        store.createApplication("tok", "app", AT);
        List<Write> writes = new ArrayList<>(List.of(new Write.ChatCreated("tok", 1, AT)));
        for (long number = 1; number <= count; number++) {
            writes.add(new Write.MessageCreated("tok", 1, number, "stored " + number, AT, number));
        }
        store.apply(writes);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
