package dev.chatsystem.core.internal;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.ReindexListener;
import dev.chatsystem.core.ReindexReport;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.IndexRebuild;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.MessageBatch;
import dev.chatsystem.core.spi.SearchIndex;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the search index from the store in batches. Each batch is read and indexed under the index lock, so a
 * concurrent edit is indexed either before the batch reads it (and the batch sees the new body) or after the batch.
 *
 * <p>A full rebuild ({@link SearchIndex#startRebuild}) writes a new index, or clears the index first where the adapter
 * rebuilds in place (it also serves after a crash and a change of document layout, and removes documents the store
 * no longer backs). One application's reindex only replaces its documents, each by its id: clearing them first would
 * leave its searches partial until it ends, lose (on the distributed form) a message indexed before the clear but
 * stored after the scan passed it, and leave the embedded index to be rebuilt in full at its next start, as it cannot
 * tell when that one application is whole again.
 */
final class Reindexer {
    static final int BATCH_SIZE = 1_000;
    /** The longest a full rebuild waits for writes queued before it started to reach the store. */
    static final Duration PERSIST_WAIT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(Reindexer.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration CLOCK_MARGIN = Duration.ofSeconds(1);
    private final ChatStore store;
    private final SearchIndex index;
    private final Supplier<List<QueueBacklog>> backlog;
    private final Lock indexLock;

    /** {@code backlog} is the write path's ({@link dev.chatsystem.core.spi.WritePath#backlog}). */
    Reindexer(ChatStore store, SearchIndex index, Supplier<List<QueueBacklog>> backlog, Lock indexLock) {
        this.store = store;
        this.index = index;
        this.backlog = backlog;
        this.indexLock = indexLock;
    }

    ReindexReport reindex(Optional<String> token, ReindexListener listener) {
        long started = System.nanoTime();
        long total = store.countMessages(token);
        Progress progress = new Progress(total, listener);
        listener.progress(0, total);
        if (token.isPresent()) {
            copy(token, index::upsert, progress);
        } else {
            try (IndexRebuild rebuild = index.startRebuild()) {
                // The rebuild takes what is indexed from now on; what was indexed before, it reads from the store,
                // once the writes queued before now are there (an edit stored after the scan read its row would be
                // in neither).
                awaitPersisted(System.nanoTime());
                copy(token, rebuild::upsert, progress);
                rebuild.complete();
            }
        }
        return new ReindexReport(progress.done, Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * Hands every stored message past the progress' cursor (of the application, when {@code token} is present) to
     * {@code target}.
     */
    private void copy(Optional<String> token, Consumer<List<IndexedMessage>> target, Progress progress) {
        while (true) {
            MessageBatch batch;
            indexLock.lock();
            try {
                batch = store.messagesForIndex(token, progress.cursor, BATCH_SIZE);
                if (!batch.messages().isEmpty()) {
                    target.accept(batch.messages());
                }
            } finally {
                indexLock.unlock();
            }
            if (batch.messages().isEmpty()) {
                return;
            }
            progress.advance(batch);
        }
    }

    /**
     * Returns once no write the write path took before {@code markNanos} waits for the store, or after {@link
     * #PERSIST_WAIT} (the store or the workers are down or far behind: the rebuild goes on, and such a write reaches
     * the new index only if it is indexed after the mark, or by the next reindex). The queue's ages come from the
     * queue's clock: {@link #CLOCK_MARGIN} covers a difference from this one.
     */
    private void awaitPersisted(long markNanos) {
        long deadline = markNanos + PERSIST_WAIT.toNanos();
        while (true) {
            Duration sinceMark = Duration.ofNanos(System.nanoTime() - markNanos);
            Optional<Duration> oldest;
            try {
                oldest = backlog.get().stream()
                        .filter(b -> b.stage().equals(QueueBacklog.PERSIST) && b.entries() > 0)
                        .map(QueueBacklog::oldestAge)
                        .max(Duration::compareTo);
            } catch (BackendUnavailableException e) {
                LOG.warn(
                        "cannot read the write queue ({}); the reindex goes on without waiting for it", e.getMessage());
                return;
            }
            if (oldest.isEmpty() || oldest.get().plus(CLOCK_MARGIN).compareTo(sinceMark) < 0) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                LOG.warn(
                        "writes queued before the reindex began still wait for the store after {} s; the reindex"
                                + " goes on without waiting for them",
                        PERSIST_WAIT.toSeconds());
                return;
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendUnavailableException("the reindex was interrupted", e);
            }
        }
    }

    /** Where the scan of the store stands, and how much it handed over. */
    private static final class Progress {
        private final long total;
        private final ReindexListener listener;
        private long cursor;
        private long done;

        Progress(long total, ReindexListener listener) {
            this.total = total;
            this.listener = listener;
        }

        void advance(MessageBatch batch) {
            cursor = batch.nextCursor();
            done += batch.messages().size();
            listener.progress(done, Math.max(total, done));
        }
    }
}
