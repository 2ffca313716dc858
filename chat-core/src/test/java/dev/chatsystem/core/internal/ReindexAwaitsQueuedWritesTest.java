package dev.chatsystem.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.ReindexListener;
import dev.chatsystem.core.embedded.LocalJobLock;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.QueueMark;
import dev.chatsystem.core.spi.Write;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full reindex reads the store only once the writes queued before it began are stored: one indexed before the
 * rebuild's start but stored after the scan read its row would be in neither the copy nor the scan.
 */
class ReindexAwaitsQueuedWritesTest {
    private static final String TOKEN = "awaits-queued-writes-token-0123";

    @TempDir
    Path dir;

    @Test
    void aWriteQueuedBeforeTheReindexAndStoredWhileItWaitsIsIndexed() {
        try (H2ChatStore store = H2ChatStore.open(dir.resolve("db"));
                LuceneSearchIndex index = LuceneSearchIndex.open(dir.resolve("index"))) {
            Instant at = Instant.now();
            store.createApplication(TOKEN, "app", at);
            store.apply(List.of(
                    new Write.ChatCreated(TOKEN, 1, at), new Write.MessageCreated(TOKEN, 1, 1, "stored", at, 1)));
            AtomicInteger asked = new AtomicInteger();
            QueueMark marked = new QueueMark(List.of("1700000000000-7"));
            // A persist worker, still holding a write queued before the reindex, stores it at the third look.
            Reindexer reindexer = new Reindexer(
                    store,
                    index,
                    new Reindexer.StoredWrites() {
                        @Override
                        public QueueMark mark() {
                            return marked;
                        }

                        @Override
                        public boolean storedUpTo(QueueMark mark) {
                            assertThat(mark).isEqualTo(marked);
                            if (asked.incrementAndGet() < 3) {
                                return false;
                            }
                            if (asked.get() == 3) {
                                store.apply(List.of(new Write.MessageCreated(TOKEN, 1, 2, "queued", at, 2)));
                            }
                            return true;
                        }
                    },
                    new ReentrantLock(),
                    new LocalJobLock());

            reindexer.reindex(Optional.empty(), ReindexListener.NONE);

            assertThat(asked).hasValue(3);
            assertThat(index.search(TOKEN, 1, "queued", 10)).containsExactly(2L);
            assertThat(index.search(TOKEN, 1, "stored", 10)).containsExactly(1L);
        }
    }
}
