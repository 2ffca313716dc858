package dev.chatsystem.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ReindexListener;
import dev.chatsystem.core.embedded.LocalJobLock;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.ControlledIndex;
import dev.chatsystem.core.testing.LosableJobLock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reindex that fails after clearing the index leaves it to be rebuilt at the next open, however the process ends;
 * one application's reindex clears nothing.
 */
class FailedReindexTest {
    private static final String TOKEN = "failed-reindex-token-0123456789";
    private static final int MESSAGES = Reindexer.BATCH_SIZE + 10;

    @TempDir
    Path dir;

    @BeforeEach
    void storeMessagesAndIndexThem() {
        try (H2ChatStore store = H2ChatStore.open(dir.resolve("db"));
                LuceneSearchIndex index = LuceneSearchIndex.open(dir.resolve("index"))) {
            Instant at = Instant.now();
            store.createApplication(TOKEN, "app", at);
            List<Write> writes = new ArrayList<>(List.of(new Write.ChatCreated(TOKEN, 1, at)));
            for (long n = 1; n <= MESSAGES; n++) {
                writes.add(new Write.MessageCreated(TOKEN, 1, n, "message " + n, at, n));
            }
            store.apply(writes);
            new Reindexer(store, index, Reindexer.StoredWrites.ALWAYS, new ReentrantLock(), new LocalJobLock())
                    .reindex(Optional.empty(), ReindexListener.NONE);
            assertThat(index.needsRebuild()).isFalse();
        }
    }

    @Test
    void aReindexThatFailedHalfwayIsRedoneAtTheNextOpenAfterACleanClose() {
        try (H2ChatStore store = H2ChatStore.open(dir.resolve("db"));
                ControlledIndex index = new ControlledIndex(LuceneSearchIndex.open(dir.resolve("index")))) {
            index.beforeUpsert(() -> index.failing(!index.upserted().isEmpty())); // the second batch fails
            Reindexer reindexer =
                    new Reindexer(store, index, Reindexer.StoredWrites.ALWAYS, new ReentrantLock(), new LocalJobLock());

            assertThatThrownBy(() -> reindexer.reindex(Optional.empty(), ReindexListener.NONE))
                    .isInstanceOf(BackendUnavailableException.class);
            assertThat(index.count()).isEqualTo(Reindexer.BATCH_SIZE);
            assertThat(index.needsRebuild()).isTrue();
        } // a clean close, as a chat system's after a failed start-up rebuild or an operator's failed reindex

        try (LuceneSearchIndex reopened = LuceneSearchIndex.open(dir.resolve("index"))) {
            assertThat(reopened.needsRebuild()).isTrue();
        }
    }

    /** Another process may rebuild once the lock is lost (Redis lost it): this rebuild must not complete over it. */
    @Test
    void aFullReindexWhoseLockIsLostStopsWithoutCompleting() {
        try (H2ChatStore store = H2ChatStore.open(dir.resolve("db"));
                ControlledIndex index = new ControlledIndex(LuceneSearchIndex.open(dir.resolve("index")))) {
            LosableJobLock losing = new LosableJobLock();
            index.beforeUpsert(() -> losing.lost(true)); // lost while the first batch is written
            Reindexer reindexer =
                    new Reindexer(store, index, Reindexer.StoredWrites.ALWAYS, new ReentrantLock(), losing);

            assertThatThrownBy(() -> reindexer.reindex(Optional.empty(), ReindexListener.NONE))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("lost its job lock");
            assertThat(index.upserted()).hasSize(1);
            assertThat(index.needsRebuild()).as("not completed").isTrue();
            assertThat(losing.closed()).isTrue();
        }
    }

    /**
     * One application's reindex replaces its documents without clearing them: searches keep finding them meanwhile,
     * and the index stays complete (a clear would leave it to be rebuilt in full at the next open).
     */
    @Test
    void aReindexOfOneApplicationKeepsTheIndexCompleteAndSearchable() {
        try (H2ChatStore store = H2ChatStore.open(dir.resolve("db"));
                ControlledIndex index = new ControlledIndex(LuceneSearchIndex.open(dir.resolve("index")))) {
            List<Long> foundDuring = new ArrayList<>();
            index.beforeUpsert(() -> foundDuring.add(
                    (long) index.search(TOKEN, 1, "message", 5_000).size()));

            new Reindexer(store, index, Reindexer.StoredWrites.ALWAYS, new ReentrantLock(), new LocalJobLock())
                    .reindex(Optional.of(TOKEN), ReindexListener.NONE);

            assertThat(foundDuring).isNotEmpty().allMatch(found -> found == MESSAGES);
            assertThat(index.needsRebuild()).isFalse();
        }
        try (LuceneSearchIndex reopened = LuceneSearchIndex.open(dir.resolve("index"))) {
            assertThat(reopened.needsRebuild()).isFalse();
            assertThat(reopened.count()).isEqualTo(MESSAGES);
        }
    }
}
