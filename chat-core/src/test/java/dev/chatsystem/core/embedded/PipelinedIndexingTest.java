package dev.chatsystem.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.ControlledIndex;
import dev.chatsystem.core.testing.RecordingWorkerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group-commit writer hands what it committed to the indexer stage: writes never wait for or fail with the
 * index, the index ends with the newest state of every message, and a clean close leaves it complete. Over the real
 * H2 store and Lucene index, with a {@link ControlledIndex} in between to make the index fail, stall or die.
 */
class PipelinedIndexingTest {
    private static final String TOKEN = "pipelined-indexing-token-0123456789";

    @TempDir
    Path dir;

    private final RecordingWorkerListener listener = new RecordingWorkerListener();
    private H2ChatStore store;
    private ControlledIndex index;
    private GroupCommitWritePath path;

    @BeforeEach
    void open() {
        store = H2ChatStore.open(dir.resolve("db"));
        index = new ControlledIndex(LuceneSearchIndex.open(dir.resolve("index")));
        index.rebuilt(); // what opening a chat system does to a new index
        path = GroupCommitWritePath.start(
                store, index, new ReentrantLock(), MissedWrites.inMemory(), 10_000, 500, Duration.ofDays(1), listener);
        store.createApplication(TOKEN, "app", Instant.now());
        path.createChat(TOKEN, Instant.now());
    }

    @AfterEach
    void close() {
        index.failing(false);
        index.release();
        path.close();
        index.close();
        store.close();
    }

    @Test
    void writesNeitherFailNorWaitWhileTheIndexFailsAndItsDocumentsAreIndexedOnceItRecovers() {
        index.failing(true);
        for (int i = 1; i <= 30; i++) {
            assertThat(create("lost" + i + "x")).isEqualTo(i);
        }

        long started = System.nanoTime();
        path.awaitSearchable(); // attempted counts, failed or not: a failing index costs searches nothing but hits
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(index.search(TOKEN, 1, "lost1x", 10)).isEmpty();
        assertThat(indexBacklog().entries()).isEqualTo(30);
        assertThat(path.health().up()).isTrue(); // kept for a retry, nothing lost yet

        index.failing(false); // no further write: the indexer retries on its own
        awaitTrue(() -> index.search(TOKEN, 1, "lost30x", 10).equals(List.of(30L)));
        for (long i = 1; i <= 30; i++) {
            assertThat(index.search(TOKEN, 1, "lost" + i + "x", 10)).containsExactly(i);
        }
        awaitTrue(() -> indexBacklog().entries() == 0);
        assertThat(listener.total(QueueBacklog.INDEX)).isEqualTo(30);
    }

    @Test
    void theNewestOfManyQuickEditsIsIndexedEvenAcrossIndexFailures() {
        create("m0x");
        for (int i = 1; i <= 200; i++) {
            // Edits 60 to 139 are retried with later ones, the last 20 on their own once the index recovers.
            index.failing(i >= 60 && i < 140 || i > 180);
            path.editMessage(TOKEN, 1, 1, "m" + i + "x", Instant.now());
        }
        index.failing(false);

        awaitTrue(() -> index.search(TOKEN, 1, "m200x", 10).equals(List.of(1L)));
        for (int i = 0; i < 200; i++) {
            assertThat(index.search(TOKEN, 1, "m" + i + "x", 10))
                    .as("edit %d was replaced", i)
                    .isEmpty();
        }
    }

    @Test
    void closeWithWritesInFlightLeavesEveryAcknowledgedMessageSearchableAfterReopening() throws Exception {
        index.beforeUpsert(() -> sleep(20)); // a slow index: close finds batches waiting for the indexer
        Map<Long, String> acknowledged = new ConcurrentHashMap<>();
        ExecutorService writers = Executors.newFixedThreadPool(8);
        List<Future<?>> written = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            written.add(writers.submit(() -> {
                try {
                    for (int i = 0; ; i++) {
                        String word = "t" + thread + "n" + i + "z";
                        long number = create(word);
                        assertThat(acknowledged.put(number, word))
                                .as("message number %d given twice", number)
                                .isNull();
                    }
                } catch (BackendUnavailableException closing) {
                    return null;
                }
            }));
        }
        awaitTrue(() -> acknowledged.size() >= 300);
        path.close();
        writers.shutdown();
        assertThat(writers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        for (Future<?> writer : written) {
            writer.get(); // a writer that ended on anything but the close fails the test with its cause
        }
        index.close();

        try (LuceneSearchIndex reopened = LuceneSearchIndex.open(dir.resolve("index"))) {
            assertThat(reopened.needsRebuild()).isFalse(); // a rebuild from the store would hide what close lost
            assertThat(reopened.count()).isEqualTo(acknowledged.size());
            acknowledged.forEach((number, word) -> assertThat(reopened.search(TOKEN, 1, word, 10))
                    .as("message %d", number)
                    .containsExactly(number));
        }
    }

    @Test
    void aCloseCalledInterruptedStillStopsTheWriterAndKeepsTheInterrupt() {
        create("before");

        Thread.currentThread().interrupt();
        path.close();

        assertThat(Thread.interrupted()).as("interrupt kept (and cleared here)").isTrue();
        assertThat(path.health().detail()).contains("writer stopped");
        assertThat(index.search(TOKEN, 1, "before", 10)).containsExactly(1L);
    }

    @Test
    void aCloseInterruptedWhileWaitingStillWaitsForTheIndexer() throws Exception {
        index.hold();
        create("held");
        awaitTrue(() -> index.waitingAtGate() == 1);
        AtomicBoolean interruptKept = new AtomicBoolean();
        Thread closer = Thread.ofPlatform().start(() -> {
            path.close();
            interruptKept.set(Thread.currentThread().isInterrupted());
        });
        awaitTrue(() -> closer.getState() == Thread.State.WAITING); // in close, waiting for the writer

        closer.interrupt();
        closer.join(300);
        assertThat(closer.isAlive())
                .as("close returned while the indexer still held a document")
                .isTrue();

        index.release();
        closer.join(TimeUnit.SECONDS.toMillis(15));
        assertThat(closer.isAlive()).isFalse();
        assertThat(interruptKept).isTrue();
        assertThat(index.search(TOKEN, 1, "held", 10)).containsExactly(1L);
    }

    @Test
    void backlogReportsWhatWaitsForTheIndexerAndHowLong() {
        assertThat(path.backlog())
                .extracting(QueueBacklog::shard, QueueBacklog::stage, QueueBacklog::entries)
                .containsExactly(tuple(0, QueueBacklog.PERSIST, 0L), tuple(0, QueueBacklog.INDEX, 0L));
        index.hold();
        create("held"); // answered while the index is stalled: the writer does not wait for it
        awaitTrue(() -> index.waitingAtGate() == 1);
        create("queued");

        awaitTrue(() ->
                indexBacklog().entries() == 2 && indexBacklog().oldestAge().compareTo(Duration.ofMillis(100)) >= 0);
        index.release();
        awaitTrue(() -> indexBacklog().entries() == 0);
        assertThat(indexBacklog().oldestAge()).isZero();
        List<Long> lags = listener.lags(QueueBacklog.INDEX);
        assertThat(lags).hasSize(2);
        assertThat(lags.get(0)).as("the lag of the write held at the gate").isGreaterThanOrEqualTo(100L);
    }

    @Test
    void writesTheIndexMissedAreAWarningNotAnOutage() {
        path.close();
        MissedWrites missed = MissedWrites.inMemory();
        missed.record(); // documents dropped: searches miss them until a reindex
        path = GroupCommitWritePath.start(
                store, index, new ReentrantLock(), missed, 10_000, 500, Duration.ofDays(1), listener);

        BackendStatus health = path.health();
        assertThat(health.up())
                .as("creates and edits still work: a load balancer must keep the instance")
                .isTrue();
        assertThat(health.warns()).isTrue();
        assertThat(health.detail()).contains("run a reindex");
        assertThat(create("after")).isEqualTo(1);
    }

    @Test
    void aDeadIndexerIsReportedAndHoldsUpNeitherWritesNorSearches() {
        index.dieOnUpsert(new Error("the indexer dies (on purpose)"));
        create("first");
        awaitTrue(() -> !path.health().up());
        assertThat(path.health().detail()).contains("indexer stopped");

        assertThat(create("second")).isEqualTo(2);
        long started = System.nanoTime();
        path.awaitSearchable();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    private long create(String body) {
        return path.createMessage(TOKEN, 1, body, Instant.now());
    }

    private QueueBacklog indexBacklog() {
        return path.backlog().stream()
                .filter(b -> b.stage().equals(QueueBacklog.INDEX))
                .findFirst()
                .orElseThrow();
    }

    private static void awaitTrue(BooleanSupplier condition) {
        Await.until(condition, Duration.ofSeconds(15));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
