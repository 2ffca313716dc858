package dev.chatsystem.core.internal;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ConflictException;
import dev.chatsystem.core.ReindexListener;
import dev.chatsystem.core.ReindexReport;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.IndexRebuild;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.JobLock;
import dev.chatsystem.core.spi.MessageBatch;
import dev.chatsystem.core.spi.QueueMark;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.spi.WritePath;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
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
 *
 * <p>A full rebuild holds the {@link JobLock} {@value #FULL_REINDEX} throughout: one runs at a time across every
 * process on the backends. One application's reindex needs no lock: its upserts are versioned, like the workers'.
 */
final class Reindexer {
    static final int BATCH_SIZE = 1_000;
    /** The longest a full rebuild waits for writes queued before it started to reach the store. */
    static final Duration PERSIST_WAIT = Duration.ofSeconds(30);
    /** The {@link JobLock} a full rebuild holds, so that two never run at once. */
    static final String FULL_REINDEX = "full-reindex";

    private static final Logger LOG = LoggerFactory.getLogger(Reindexer.class);
    private static final Duration POLL = Duration.ofMillis(200);

    /** What the write path says of the store ({@link WritePath#mark}, {@link WritePath#storedUpTo}). */
    interface StoredWrites {
        /** For a write path that stores every write before it answers. */
        StoredWrites ALWAYS = new StoredWrites() {
            @Override
            public QueueMark mark() {
                return QueueMark.NONE;
            }

            @Override
            public boolean storedUpTo(QueueMark mark) {
                return true;
            }
        };

        QueueMark mark();

        boolean storedUpTo(QueueMark mark);

        static StoredWrites of(WritePath writes) {
            return new StoredWrites() {
                @Override
                public QueueMark mark() {
                    return writes.mark();
                }

                @Override
                public boolean storedUpTo(QueueMark mark) {
                    return writes.storedUpTo(mark);
                }
            };
        }
    }

    private final ChatStore store;
    private final SearchIndex index;
    private final StoredWrites stored;
    private final Lock indexLock;
    private final JobLock jobLock;

    /**
     * The index lock to share between a reindexer and the indexer of the write path. Fair, because a reindex gives it up
     * between its batches only for the microseconds until it takes it again: a non-fair lock lets it barge back in
     * before the woken indexer runs, batch after batch, so searches of the chats written meanwhile wait (for five
     * seconds at most, then miss those writes) and the writer may take the indexer for stuck. Fair, the indexer waits
     * for one batch at most, and the rebuild for one upsert of the indexer's.
     */
    static ReentrantLock newIndexLock() {
        return new ReentrantLock(true);
    }

    Reindexer(ChatStore store, SearchIndex index, StoredWrites stored, Lock indexLock, JobLock jobLock) {
        this.store = store;
        this.index = index;
        this.stored = stored;
        this.indexLock = indexLock;
        this.jobLock = jobLock;
    }

    ReindexReport reindex(Optional<String> token, ReindexListener listener) {
        long started = System.nanoTime();
        if (token.isPresent()) {
            Progress progress = new Progress(store.countMessages(token), listener);
            copy(token, index::upsert, progress, () -> false);
            return progress.report(started);
        }
        // Locked before anything is counted or reported, so that a refused reindex fails at once.
        try (JobLock.Held held = jobLock.tryLock(FULL_REINDEX).orElseThrow(Reindexer::alreadyRunning)) {
            Progress progress = new Progress(store.countMessages(token), listener);
            try (IndexRebuild rebuild = index.startRebuild()) {
                // The rebuild takes what is indexed from now on; what was indexed before, it reads from the store,
                // once the writes queued before now are there (an edit stored after the scan read its row would be
                // in neither). The copy reads where the store ends only then: a write queued before now, indexed
                // before the rebuild started and stored while we waited, lies before that end, and a write stored
                // past it was queued after now, so it is indexed into the rebuild (unless the wait gave up, see
                // awaitStored).
                awaitStored();
                copy(token, rebuild::upsert, progress, held::lost);
                rebuild.complete(held::lost); // asks the lock again before each step it cannot undo
            }
            return progress.report(started);
        }
    }

    /**
     * Two full rebuilds at once would each take the other's new index for a leftover (Elasticsearch) or overtake it
     * (Lucene), so the second one fails; failing before it starts saves it the work, and says why.
     */
    private static ConflictException alreadyRunning() {
        return new ConflictException("a full reindex is already running on these backends (one runs at a time); run it"
                + " again once it has ended (a killed one gives its lock up within 30 s)");
    }

    /**
     * Hands every message stored when it starts, past the progress' cursor (of the application, when {@code token} is
     * present), to {@code target}; throws before a batch once {@code lockLost}. It stops where the store ended then:
     * the write path indexes what is stored later (into the rebuild, for a full one), and copying that too would keep
     * the reindex going for as long as messages are stored faster than it copies them.
     */
    private void copy(
            Optional<String> token,
            Consumer<List<IndexedMessage>> target,
            Progress progress,
            BooleanSupplier lockLost) {
        long end = store.lastIndexCursor();
        while (progress.cursor < end) {
            // Another full rebuild may run: this one is abandoned, not completed.
            IndexRebuild.requireLockHeld(lockLost, "the end");
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
     * Returns once every write the write path had taken by now is in the store, or after {@link #PERSIST_WAIT} (the
     * store or the workers are down or far behind: the rebuild goes on, and such a write reaches the new index only if
     * it is indexed after the rebuild started, or by the next reindex), or at once when the queue cannot be read.
     */
    private void awaitStored() {
        long deadline = System.nanoTime() + PERSIST_WAIT.toNanos();
        try {
            QueueMark mark = stored.mark();
            while (!stored.storedUpTo(mark)) {
                if (System.nanoTime() - deadline > 0) {
                    LOG.warn(
                            "writes queued before the reindex began still wait for the store after {} s; the reindex"
                                    + " goes on without waiting for them",
                            PERSIST_WAIT.toSeconds());
                    return;
                }
                Thread.sleep(POLL);
            }
        } catch (BackendUnavailableException e) {
            LOG.warn("cannot read the write queue ({}); the reindex goes on without waiting for it", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("the reindex was interrupted", e);
        }
    }

    /** Where the scan of the store stands, and how much it handed over. */
    private static final class Progress {
        private final long total;
        private final ReindexListener listener;
        private long cursor;
        private long done;

        /** Reports that nothing of {@code total} is done yet. */
        Progress(long total, ReindexListener listener) {
            this.total = total;
            this.listener = listener;
            listener.progress(0, total);
        }

        ReindexReport report(long startedNanos) {
            return new ReindexReport(done, Duration.ofNanos(System.nanoTime() - startedNanos));
        }

        void advance(MessageBatch batch) {
            cursor = batch.nextCursor();
            done += batch.messages().size();
            listener.progress(done, Math.max(total, done));
        }
    }
}
