package dev.chatsystem.core.embedded;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Displaced;
import dev.chatsystem.core.spi.NothingAppliedException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits one batch the group-commit writer took: numbers it ({@link BatchNumbering}), applies it to the store in one
 * transaction, answers its callers and hands its documents to the indexer ({@link IndexStage}). A class of its own
 * because it is what becomes of a batch once taken, while {@link GroupCommitWritePath} owns the queue, the writer
 * thread's loop and lifecycle, and the callers' side.
 *
 * <p>Not thread-safe: the writer thread only, which is what keeps numbering gap-free and versions in acceptance order.
 */
final class BatchCommits {
    /** The write path's: these are its writer's messages, as they were before this class was split out of it. */
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWritePath.class);

    private final ChatStore store;
    private final IndexStage indexing;
    private final MissedWrites missedWrites;
    /** Touched by the writer thread only. */
    private final CommittedNumbers committedChats = new CommittedNumbers();

    private final CommittedNumbers committedMessages = new CommittedNumbers();
    private final WriteVersions versions;
    private final WorkerListener listener;

    BatchCommits(
            ChatStore store,
            WriteVersions versions,
            IndexStage indexing,
            MissedWrites missedWrites,
            WorkerListener listener) {
        this.store = store;
        this.versions = versions;
        this.indexing = indexing;
        this.missedWrites = missedWrites;
        this.listener = listener;
    }

    /**
     * Commits {@code batch} and answers each of its writes; a batch the store refuses fails its callers. An {@link
     * Error} fails them too, and is rethrown: it stops the writer (see {@link GroupCommitWritePath}). {@code committed}
     * runs once the batch is committed, before its documents are handed to the indexer, which counts them from then on.
     */
    void commit(List<PendingWrite> batch, Runnable committed) {
        BatchNumbering numbered = null;
        try {
            numbered = new BatchNumbering(store, committedChats, committedMessages, versions, batch);
            Displaced displaced = store.apply(numbered.writes(), numbered.records());
            if (!displaced.isEmpty()) { // this writer numbers from what it committed: a bug, not an outage
                log.error(
                        "a write batch left out {} message and {} chat creates whose numbers were stored already;"
                                + " their callers are failed",
                        displaced.messages().size(),
                        displaced.chats().size());
                numbered.displaced(displaced);
            }
        } catch (RuntimeException e) {
            // Not applied at all (no connection from a pool busy with reads): reading back would wait on it too.
            if (numbered == null || e instanceof NothingAppliedException || !numbered.committedAfterAll(missedWrites)) {
                log.warn("write batch of {} failed: {}", batch.size(), e.toString());
                fail(batch, storeFailure(e));
                return;
            }
            log.warn("write batch of {} committed, then its store reported a failure: {}", batch.size(), e.toString());
        } catch (Error e) {
            // The writer dies (see GroupCommitWritePath.run), but none of these callers waits for ever.
            fail(batch, storeFailure(e));
            throw e;
        }
        numbered.committed();
        committed.run();
        long[] lag = lagMillis(batch, System.nanoTime());
        // Numbered before the callers are answered, so that their searches wait for these documents.
        Optional<IndexBatch> documents = numbered.forIndex(indexing);
        for (int i = 0; i < batch.size(); i++) {
            numbered.complete(i, batch.get(i));
        }
        documents.ifPresent(indexing::hand);
        listener.batchHandled(QueueBacklog.PERSIST, 0, lag); // after answering: callers never wait for monitoring
    }

    private static BackendUnavailableException storeFailure(Throwable cause) {
        return cause instanceof BackendUnavailableException b
                ? b
                : new BackendUnavailableException("store write failed: " + cause.getMessage(), cause);
    }

    /** Answers every write not answered yet with {@code failure}. */
    static void fail(List<PendingWrite> writes, BackendUnavailableException failure) {
        writes.forEach(p -> p.result().completeExceptionally(failure));
    }

    /** How long each write waited from being queued until its batch was committed. */
    private static long[] lagMillis(List<PendingWrite> batch, long nowNanos) {
        long[] lag = new long[batch.size()];
        for (int i = 0; i < lag.length; i++) {
            lag[i] = TimeUnit.NANOSECONDS.toMillis(nowNanos - batch.get(i).queuedNanos());
        }
        return lag;
    }
}
