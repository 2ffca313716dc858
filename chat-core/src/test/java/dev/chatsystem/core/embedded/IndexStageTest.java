package dev.chatsystem.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.ControlledIndex;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The indexer stage on its own: the search barrier and its bound, back-pressure, and the bound on kept failures. */
class IndexStageTest {
    private static final String TOKEN = "index-stage-token-0123456789";
    private static final Duration PATIENT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private LuceneSearchIndex lucene;
    private ControlledIndex index;
    private IndexStage stage;

    @BeforeEach
    void open() {
        lucene = LuceneSearchIndex.open(dir);
        index = new ControlledIndex(lucene);
    }

    @AfterEach
    void close() {
        index.failing(false);
        index.release();
        if (stage != null) {
            stage.close();
        }
        index.close();
    }

    @Test
    void aSearchWaitsUntilWhatWasCommittedBeforeItWasAttempted() throws Exception {
        stage = IndexStage.start(index, new ReentrantLock(), MissedWrites.inMemory(), 4, WorkerListener.NONE, PATIENT);
        stage.awaitSearchable(); // nothing committed yet: returns at once
        index.hold();
        stage.hand(batch(1, 2));

        CompletableFuture<Void> search = Await.blockedIn(stage::awaitSearchable, PATIENT);
        assertThat(search).isNotDone();
        index.release();
        search.get(10, TimeUnit.SECONDS);
        assertThat(index.search(TOKEN, 1, "body2", 10)).containsExactly(2L);
    }

    @Test
    void aSearchInAChatWaitsOnlyForTheWritesToThatChat() throws Exception {
        stage = IndexStage.start(index, new ReentrantLock(), MissedWrites.inMemory(), 4, WorkerListener.NONE, PATIENT);
        index.hold();
        stage.hand(batchOfChat(2, 1)); // stuck in the index

        long started = System.nanoTime();
        stage.awaitSearchable(TOKEN, 1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        CompletableFuture<Void> inChat2 = Await.blockedIn(() -> stage.awaitSearchable(TOKEN, 2), PATIENT);
        assertThat(inChat2).isNotDone();
        index.release();
        inChat2.get(10, TimeUnit.SECONDS);
        assertThat(index.search(TOKEN, 2, "body1", 10)).containsExactly(1L);
    }

    @Test
    void aSearchGivesUpWaitingForAStuckIndexerAfterTheBound() {
        stage = IndexStage.start(
                index, new ReentrantLock(), MissedWrites.inMemory(), 4, WorkerListener.NONE, Duration.ofMillis(300));
        index.hold();
        stage.hand(batch(1));

        long started = System.nanoTime();
        stage.awaitSearchable();
        Duration waited = Duration.ofNanos(System.nanoTime() - started);
        assertThat(waited).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
    }

    /** Its caller would read H2 next, whose file an interrupt during I/O closes for every thread. */
    @Test
    void aSearchInterruptedWhileItWaitsFailsAndKeepsTheInterrupt() throws Exception {
        stage = IndexStage.start(index, new ReentrantLock(), MissedWrites.inMemory(), 4, WorkerListener.NONE, PATIENT);
        index.hold();
        stage.hand(batch(1));

        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread search = Thread.ofPlatform().start(() -> {
            try {
                stage.awaitSearchable(TOKEN, 1);
                outcome.complete(null);
            } catch (RuntimeException e) {
                outcome.complete(Thread.currentThread().isInterrupted() ? e : new AssertionError("interrupt lost", e));
            }
        });
        Await.until(() -> search.getState() == Thread.State.TIMED_WAITING, PATIENT);
        search.interrupt();
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(BackendUnavailableException.class);
    }

    @Test
    void aFullQueueMakesTheWriterWaitAndNothingIsDropped() throws Exception {
        stage = IndexStage.start(index, new ReentrantLock(), MissedWrites.inMemory(), 1, WorkerListener.NONE, PATIENT);
        index.hold();
        stage.hand(batch(1));
        Await.until(() -> index.waitingAtGate() == 1, PATIENT);
        stage.hand(batch(2)); // fills the queue of one

        CompletableFuture<Void> writer = Await.blockedIn(() -> stage.hand(batch(3)), PATIENT);
        assertThat(writer).isNotDone();
        index.release();
        writer.get(10, TimeUnit.SECONDS);
        stage.awaitSearchable();

        List<Long> upserted = new ArrayList<>();
        index.upserted().forEach(u -> u.forEach(m -> upserted.add(m.messageNumber())));
        assertThat(upserted).containsExactly(1L, 2L, 3L);
    }

    @Test
    void theWriterDoesNotWaitBehindAStuckAttemptAndNothingIsLost() throws Exception {
        stage = stuckAfter(Duration.ofMillis(300));
        index.hold(); // an index that hangs rather than refuses
        stage.hand(batch(1));
        Await.until(() -> index.waitingAtGate() == 1, PATIENT);
        stage.hand(batch(2)); // fills the queue of one

        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (long n = 3; n <= 12; n++) {
                stage.hand(batch(n));
            }
        });
        writer.get(10, TimeUnit.SECONDS); // the attempt is still stuck
        assertThat(index.waitingAtGate()).isEqualTo(1);
        assertThat(stage.backlog().entries()).isEqualTo(12);

        index.release();
        stage.awaitSearchable();
        List<Long> upserted = new ArrayList<>();
        index.upserted().forEach(u -> u.forEach(m -> upserted.add(m.messageNumber())));
        assertThat(upserted)
                .as("in commit order")
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 12).boxed().toList());
        assertThat(stage.missedWrites()).isFalse();
        assertThat(stage.backlog().entries()).isZero();
    }

    @Test
    void behindAStuckAttemptBatchesPastTheBoundAreDroppedNotWaitedFor() throws Exception {
        stage = stuckAfter(Duration.ofMillis(300));
        index.hold();
        stage.hand(batch(1));
        Await.until(() -> index.waitingAtGate() == 1, PATIENT);
        stage.hand(batch(2));

        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> stage.hand(
                batch(LongStream.rangeClosed(3, IndexStage.MAX_UNINDEXED + 3).toArray())));
        writer.get(10, TimeUnit.SECONDS);
        assertThat(stage.missedWrites()).isTrue();

        index.release();
        stage.awaitSearchable();
        assertThat(stage.backlog().entries()).isZero();
    }

    @Test
    void aDroppedBatchLeavesSearchesOfItsChatWaitingForTheChatsEarlierBatch() throws Exception {
        stage = stuckAfter(Duration.ofMillis(300));
        dropABatchOfChat1BehindAQueuedOne();

        CompletableFuture<Void> inChat1 = Await.blockedIn(() -> stage.awaitSearchable(TOKEN, 1), PATIENT);
        assertThat(inChat1).as("waits for the queued batch of chat 1").isNotDone();
        index.release();
        inChat1.get(10, TimeUnit.SECONDS);
        assertThat(index.search(TOKEN, 1, "body1", 10)).containsExactly(1L);
    }

    @Test
    void aDroppedBatchIsNotWaitedForBySearchesOfEveryChat() {
        stage = IndexStage.start(
                index,
                new ReentrantLock(),
                MissedWrites.inMemory(),
                1,
                WorkerListener.NONE,
                Duration.ofSeconds(20),
                Duration.ofMillis(300));
        dropABatchOfChat1BehindAQueuedOne();
        index.release();

        long started = System.nanoTime();
        stage.awaitSearchable(); // before, it waited out its bound for the dropped batch, given last
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(index.search(TOKEN, 1, "body1", 10)).containsExactly(1L);
        assertThat(stage.chatsAwaitingIndexing()).isZero();
    }

    /**
     * Behind an attempt stuck on chat 2, queues message 1 of chat 1, fills the overflow with chat 3 and then has the
     * writer drop message 2 of chat 1.
     */
    private void dropABatchOfChat1BehindAQueuedOne() {
        index.hold();
        stage.hand(batchOfChat(2, 1));
        Await.until(() -> index.waitingAtGate() == 1, PATIENT);
        stage.hand(batchOfChat(1, 1)); // fills the queue of one
        stage.hand(batchOfChat(
                3, LongStream.rangeClosed(1, IndexStage.MAX_UNINDEXED).toArray())); // the overflow
        stage.hand(batchOfChat(1, 2));
        assertThat(stage.missedWrites()).as("message 2 dropped").isTrue();
    }

    private IndexStage stuckAfter(Duration stuckAfter) {
        return IndexStage.start(
                index, new ReentrantLock(), MissedWrites.inMemory(), 1, WorkerListener.NONE, PATIENT, stuckAfter);
    }

    @Test
    void aQueueFullOfLongBodiesMakesTheWriterWaitBeforeItsBatchCountDoes() throws Exception {
        stage = IndexStage.start(index, new ReentrantLock(), MissedWrites.inMemory(), 64, WorkerListener.NONE, PATIENT);
        index.hold();
        stage.hand(batch(1));
        Await.until(() -> index.waitingAtGate() == 1, PATIENT);
        String longest = "x".repeat(65_535);
        int fit = IndexStage.MAX_QUEUED_CHARS / longest.length();
        stage.hand(batchOfBodies(longest, fit)); // one batch: the queue holds 63 more

        CompletableFuture<Void> writer = Await.blockedIn(() -> stage.hand(batchOfBodies(longest, 1)), PATIENT);
        assertThat(writer).isNotDone();
        index.release();
        writer.get(10, TimeUnit.SECONDS);
        stage.awaitSearchable();
        assertThat(stage.backlog().entries()).isZero();
        assertThat(stage.missedWrites()).isFalse();
    }

    @Test
    void beyondTheBoundFailedDocumentsAreDroppedAndAReindexIsAskedFor() {
        stage = IndexStage.start(index, new ReentrantLock(), MissedWrites.inMemory(), 4, WorkerListener.NONE, PATIENT);
        index.failing(true);
        stage.hand(batch(1, 2, 3));
        stage.awaitSearchable();
        assertThat(stage.missedWrites()).isFalse();
        assertThat(stage.backlog().entries()).isEqualTo(3);

        stage.hand(batch(LongStream.rangeClosed(4, IndexStage.MAX_UNINDEXED + 1).toArray()));
        stage.awaitSearchable();
        assertThat(stage.missedWrites()).isTrue();
        assertThat(stage.backlog().entries()).isZero();
    }

    @Test
    void failedDocumentsAreAlsoBoundedByTheSizeOfTheirBodies() {
        stage = IndexStage.start(index, new ReentrantLock(), MissedWrites.inMemory(), 4, WorkerListener.NONE, PATIENT);
        index.failing(true);
        String longest = "x".repeat(65_535); // shared: the test itself holds one copy
        int fit = (int) (IndexStage.MAX_UNINDEXED_CHARS / longest.length());
        stage.hand(batchOfBodies(longest, fit));
        stage.awaitSearchable();
        assertThat(stage.missedWrites()).isFalse();
        assertThat(stage.backlog().entries()).isEqualTo(fit);

        stage.hand(batchOfBodies(longest, 1));
        stage.awaitSearchable();
        assertThat(stage.missedWrites()).isTrue();
        assertThat(stage.backlog().entries()).isZero();
    }

    @Test
    void droppedDocumentsAreRebuiltAtTheNextOpenEvenAfterACleanClose() {
        lucene.rebuilt(); // a complete index, as after the start-up rebuild
        stage = startReportingToLucene();
        index.failing(true);
        stage.hand(batch(LongStream.rangeClosed(1, IndexStage.MAX_UNINDEXED + 1).toArray()));
        stage.awaitSearchable();
        assertThat(stage.missedWrites()).isTrue();

        stage.close();
        index.close(); // clean: the final commit succeeds and the dirty marker goes
        try (LuceneSearchIndex reopened = LuceneSearchIndex.open(dir)) {
            assertThat(reopened.needsRebuild()).isTrue();
        }
    }

    @Test
    void onlyARebuildStartedAfterTheDropsEndsTheReport() {
        lucene.rebuilt();
        stage = startReportingToLucene();
        index.failing(true);
        stage.hand(batch(LongStream.rangeClosed(1, IndexStage.MAX_UNINDEXED + 1).toArray()));
        stage.awaitSearchable();

        lucene.clear(Optional.empty()); // a reindex starts ...
        stage.hand(batch(LongStream.rangeClosed(1, IndexStage.MAX_UNINDEXED + 1).toArray()));
        stage.awaitSearchable(); // ... and the indexer drops more meanwhile
        lucene.rebuilt();
        assertThat(stage.missedWrites()).isTrue();
        assertThat(lucene.needsRebuild()).isTrue();

        lucene.clear(Optional.empty()); // the reindex health asks for
        lucene.rebuilt();
        assertThat(stage.missedWrites()).isFalse();
        assertThat(lucene.needsRebuild()).isFalse();
    }

    @Test
    void documentsStillUnindexedAtCloseAreReported() {
        lucene.rebuilt();
        stage = startReportingToLucene();
        index.failing(true);
        stage.hand(batch(1, 2, 3));
        stage.awaitSearchable();
        assertThat(stage.missedWrites()).isFalse(); // kept for a retry

        stage.close();
        assertThat(stage.missedWrites()).isTrue();
        assertThat(stage.backlog().entries()).isZero();
        assertThat(lucene.needsRebuild()).isTrue();
    }

    @Test
    void documentsADeadIndexerHeldAreReportedAtClose() {
        lucene.rebuilt();
        stage = startReportingToLucene();
        index.dieOnUpsert(new Error("the indexer dies (on purpose)"));
        stage.hand(batch(1));
        Await.until(() -> !stage.running(), PATIENT);
        stage.hand(batch(2)); // queued behind nobody

        stage.close();
        assertThat(stage.missedWrites()).isTrue();
        assertThat(lucene.needsRebuild()).isTrue();
    }

    @Test
    void batchesHandedToADeadIndexerAreDroppedAtOnceAndLeaveNothingForSearchesToWaitFor() {
        stage = startReportingToLucene();
        index.dieOnUpsert(new Error("the indexer dies (on purpose)"));
        stage.hand(batch(1));
        Await.until(() -> !stage.running(), PATIENT);

        // The writer goes on committing: each batch must not wait for a queue nobody takes from (it waited a second
        // each once the queue was full: 30 batches took 26 s).
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (long chat = 2; chat <= 31; chat++) {
                stage.hand(batchOfChat(chat, 1));
            }
        });

        assertThat(stage.chatsAwaitingIndexing()).isLessThanOrEqualTo(1); // at most the batch the indexer died on
        stage.close();
        assertThat(stage.missedWrites()).isTrue();
    }

    private IndexStage startReportingToLucene() {
        MissedWrites missed = MissedWrites.of(lucene::missedWrites, lucene::missesWrites);
        return IndexStage.start(index, new ReentrantLock(), missed, 4, WorkerListener.NONE, PATIENT);
    }

    /** One committed batch of messages of chat 1, given its sequence as the writer does. */
    private IndexBatch batch(long... messageNumbers) {
        return batchOfChat(1, messageNumbers);
    }

    private IndexBatch batchOfBodies(String body, int count) {
        List<IndexedMessage> documents = LongStream.rangeClosed(1, count)
                .mapToObj(n -> new IndexedMessage(TOKEN, 1, n, body))
                .toList();
        return give(documents);
    }

    private IndexBatch batchOfChat(long chatNumber, long... messageNumbers) {
        List<IndexedMessage> documents = LongStream.of(messageNumbers)
                .mapToObj(n -> new IndexedMessage(TOKEN, chatNumber, n, "body" + n))
                .toList();
        return give(documents);
    }

    private IndexBatch give(List<IndexedMessage> documents) {
        long[] queued = new long[documents.size()];
        Arrays.fill(queued, System.nanoTime());
        return stage.give(documents, queued, Instant.now());
    }
}
