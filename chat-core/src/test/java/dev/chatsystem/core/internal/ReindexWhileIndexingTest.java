package dev.chatsystem.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.ReindexListener;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.embedded.GroupCommitWritePath;
import dev.chatsystem.core.embedded.LocalJobLock;
import dev.chatsystem.core.embedded.MissedWrites;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.ControlledIndex;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reindex and the embedded indexer write the same index: sharing the index lock, the one that writes second writes
 * a body at least as new, so after both the index holds the newest state.
 */
class ReindexWhileIndexingTest {
    private static final String TOKEN = "reindex-while-indexing-token-0123";

    @TempDir
    Path dir;

    @Test
    void anEditCommittedWhileAReindexBatchHoldsAnOlderBodyEndsIndexed() {
        ReentrantLock indexLock = new ReentrantLock();
        try (H2ChatStore store = H2ChatStore.open(dir.resolve("db"));
                ControlledIndex index = new ControlledIndex(LuceneSearchIndex.open(dir.resolve("index")));
                GroupCommitWritePath path = GroupCommitWritePath.start(
                        store,
                        index,
                        indexLock,
                        MissedWrites.inMemory(),
                        100,
                        10,
                        Duration.ofDays(1),
                        WorkerListener.NONE)) {
            store.createApplication(TOKEN, "app", Instant.now());
            path.createChat(TOKEN, Instant.now());
            path.createMessage(TOKEN, 1, "older", Instant.now());
            path.awaitSearchable();

            // The reindex batch has read "older" from the store and holds the lock; meanwhile "newer" is committed
            // and handed to the indexer, which must not index it before the batch writes "older".
            Thread reindexing = Thread.currentThread();
            AtomicBoolean once = new AtomicBoolean();
            index.beforeUpsert(() -> {
                if (Thread.currentThread() == reindexing && once.compareAndSet(false, true)) {
                    path.editMessage(TOKEN, 1, 1, "newer", Instant.now());
                    // The indexer has "newer" and waits for the lock this batch holds. One that ignored the lock
                    // would index "newer" instead and never queue: the wait then fails the test.
                    Await.until(indexLock::hasQueuedThreads, Duration.ofSeconds(10));
                }
            });
            new Reindexer(store, index, Reindexer.StoredWrites.ALWAYS, indexLock, new LocalJobLock())
                    .reindex(Optional.empty(), ReindexListener.NONE);
            path.awaitSearchable();

            assertThat(once).isTrue();
            assertThat(index.search(TOKEN, 1, "newer", 10)).containsExactly(1L);
            assertThat(index.search(TOKEN, 1, "older", 10)).isEmpty();
        }
    }
}
