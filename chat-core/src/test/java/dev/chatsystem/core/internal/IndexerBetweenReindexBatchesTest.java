package dev.chatsystem.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.ReindexListener;
import dev.chatsystem.core.embedded.GroupCommitWritePath;
import dev.chatsystem.core.embedded.LocalJobLock;
import dev.chatsystem.core.embedded.MissedWrites;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.spi.Write.ChatCreated;
import dev.chatsystem.core.spi.Write.MessageCreated;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.ControlledIndex;
import dev.chatsystem.core.testing.RecordingWorkerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full reindex gives the index lock up between its batches only for microseconds. The embedded indexer waiting for
 * it must get it then all the same: a reindex that took it back first, batch after batch, would keep searches of the
 * chats written meanwhile waiting (five seconds at most, then missing those writes) and get the indexer taken for
 * stuck.
 */
class IndexerBetweenReindexBatchesTest {
    private static final String TOKEN = "indexer-between-batches-token-0123";
    private static final int STORED_BATCHES = 20;
    /** Each reindex batch holds the lock at least this long, as a slower index or disk makes it. */
    private static final Duration BATCH_TAKES = Duration.ofMillis(100);
    /** {@code IndexStage.STUCK_AFTER}: an attempt running that long makes the writer give up waiting for it. */
    private static final long STUCK_AFTER_MILLIS = 5_000;

    @TempDir
    Path dir;

    @Test
    void noReindexBatchTakesTheLockAheadOfTheWaitingIndexer() throws InterruptedException {
        ReentrantLock indexLock = Reindexer.newIndexLock();
        RecordingWorkerListener listener = new RecordingWorkerListener();
        try (H2ChatStore store = H2ChatStore.open(dir.resolve("db"));
                ControlledIndex index = new ControlledIndex(LuceneSearchIndex.open(dir.resolve("index")));
                GroupCommitWritePath path = GroupCommitWritePath.start(
                        store, index, indexLock, MissedWrites.inMemory(), 100, 10, Duration.ofDays(1), listener)) {
            storeMessagesInChatOne(store);
            long chat = path.createChat(TOKEN, Instant.now());
            Reindexer reindexer =
                    new Reindexer(store, index, Reindexer.StoredWrites.of(path), indexLock, new LocalJobLock());
            CompletableFuture<Void> reindexed = new CompletableFuture<>();
            Thread reindexing = Thread.ofPlatform().name("reindex").unstarted(() -> {
                try {
                    reindexer.reindex(Optional.empty(), ReindexListener.NONE);
                    reindexed.complete(null);
                } catch (Throwable e) {
                    reindexed.completeExceptionally(e);
                }
            });
            SlowBatches batches = new SlowBatches(indexLock, reindexing);
            index.beforeUpsert(batches);

            reindexing.start();
            int searched = 0;
            try {
                Await.until(() -> batches.begun.get() > 0, Duration.ofSeconds(10));
                // Only while the stored messages are copied: the reindex ends after those (it copies only what was
                // stored when it began), and the batches counted are the reindex's.
                while (!reindexed.isDone() && batches.begun.get() < STORED_BATCHES) {
                    String word = "fresh" + searched;
                    long number = path.createMessage(TOKEN, chat, word + " while reindexing", Instant.now());
                    path.awaitSearchable(TOKEN, chat); // as ChatSystem.searchMessages does
                    assertThat(index.search(TOKEN, chat, word, 10))
                            .as("search for message %d", number)
                            .containsExactly(number);
                    searched++;
                }
            } finally {
                reindexing.join(); // before the store and index close under it
            }

            reindexed.join();
            assertThat(searched).as("searches during the reindex").isGreaterThanOrEqualTo(3);
            assertThat(batches.tookTheLockAheadOfTheIndexer)
                    .as("reindex batches that took the lock while the indexer had waited since the previous one")
                    .hasValue(0);
            assertThat(listener.lags(QueueBacklog.INDEX))
                    .as("no indexing took long enough for the writer to take the indexer for stuck")
                    .allSatisfy(lag -> assertThat(lag).isLessThan(STUCK_AFTER_MILLIS));
        }
    }

    /** Straight into the store: through the write path, tens of thousands of messages would take most of the test. */
    private static void storeMessagesInChatOne(H2ChatStore store) {
        Instant at = Instant.now();
        store.createApplication(TOKEN, "app", at);
        store.apply(List.of(new ChatCreated(TOKEN, 1, at)));
        List<Write> batch = new ArrayList<>();
        for (int number = 1; number <= STORED_BATCHES * Reindexer.BATCH_SIZE; number++) {
            batch.add(new MessageCreated(TOKEN, 1, number, "stored message " + number, at, number));
            if (batch.size() == Reindexer.BATCH_SIZE) {
                store.apply(batch);
                batch.clear();
            }
        }
    }

    /**
     * Runs before every upsert, under the index lock: makes each reindex batch take {@link #BATCH_TAKES}, and counts
     * the batches that took the lock although the indexer was waiting for it as the previous batch ended and has not
     * upserted since. Counting turns, not time, holds on a slow machine too.
     */
    private static final class SlowBatches implements Runnable {
        final AtomicInteger begun = new AtomicInteger();
        final AtomicInteger tookTheLockAheadOfTheIndexer = new AtomicInteger();
        private final AtomicInteger indexerUpserts = new AtomicInteger();
        private final ReentrantLock indexLock;
        private final Thread reindexing;
        /** Reindexing thread only: the indexer's upserts when the last batch ended with it waiting, else -1. */
        private int indexerWaitedAfter = -1;

        SlowBatches(ReentrantLock indexLock, Thread reindexing) {
            this.indexLock = indexLock;
            this.reindexing = reindexing;
        }

        @Override
        public void run() {
            if (Thread.currentThread() != reindexing) {
                indexerUpserts.incrementAndGet();
                return;
            }
            if (indexerWaitedAfter == indexerUpserts.get()) {
                tookTheLockAheadOfTheIndexer.incrementAndGet();
            }
            begun.incrementAndGet();
            try {
                Thread.sleep(BATCH_TAKES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            // Only the indexer takes this lock besides the reindex.
            indexerWaitedAfter = indexLock.hasQueuedThreads() ? indexerUpserts.get() : -1;
        }
    }
}
