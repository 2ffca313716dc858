package dev.chatsystem.core.internal;

import dev.chatsystem.core.ReindexListener;
import dev.chatsystem.core.ReindexReport;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.MessageBatch;
import dev.chatsystem.core.spi.SearchIndex;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.Lock;

/**
 * Rebuilds the search index from the store in batches. Each batch is read and indexed under the index lock, so a
 * concurrent edit is indexed either before the batch reads it (and the batch sees the new body) or after the batch.
 *
 * <p>A full rebuild clears the index first (it also serves after a crash and a change of document layout, and
 * removes documents the store no longer backs). One application's reindex only replaces its documents, each by its
 * id: clearing them first would leave its searches partial until it ends, lose (on the distributed form) a message
 * indexed before the clear but stored after the scan passed it, and leave the embedded index to be rebuilt in full
 * at its next start, as it cannot tell when that one application is whole again.
 */
final class Reindexer {
    static final int BATCH_SIZE = 1_000;
    private final ChatStore store;
    private final SearchIndex index;
    private final Lock indexLock;

    Reindexer(ChatStore store, SearchIndex index, Lock indexLock) {
        this.store = store;
        this.index = index;
        this.indexLock = indexLock;
    }

    ReindexReport reindex(Optional<String> token, ReindexListener listener) {
        long started = System.nanoTime();
        long total = store.countMessages(token);
        if (token.isEmpty()) {
            index.clear(token);
        }
        long cursor = 0;
        long done = 0;
        listener.progress(0, total);
        while (true) {
            MessageBatch batch;
            indexLock.lock();
            try {
                batch = store.messagesForIndex(token, cursor, BATCH_SIZE);
                if (!batch.messages().isEmpty()) {
                    index.upsert(batch.messages());
                }
            } finally {
                indexLock.unlock();
            }
            if (batch.messages().isEmpty()) {
                break;
            }
            cursor = batch.nextCursor();
            done += batch.messages().size();
            listener.progress(done, Math.max(total, done));
        }
        if (token.isEmpty()) {
            index.rebuilt();
        }
        return new ReindexReport(done, Duration.ofNanos(System.nanoTime() - started));
    }
}
