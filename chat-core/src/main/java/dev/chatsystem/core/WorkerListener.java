package dev.chatsystem.core;

import java.time.Duration;

/**
 * Receives what the background work of a {@link ChatSystem} did, for monitoring: the write batches its workers
 * handled and the count reconciliations it ran (periodic ones and {@link ChatSystem#reconcileCounts()} calls alike).
 * Pass one with {@link ChatConfig.Builder#workerListener}; every method does nothing by default.
 *
 * <p>Methods are called from worker threads, concurrently, while they work: they must be quick and thread-safe. An
 * exception or error a method throws (a failed {@code assert} too) is logged and ignored; it never fails or retries
 * the work. Only a {@link VirtualMachineError}, such as running out of memory, is not ignored. A method may close the
 * system: that close returns without waiting for the release ({@link ChatSystem#close()}).
 */
public interface WorkerListener {
    /** Listens to nothing. */
    WorkerListener NONE = new WorkerListener() {};

    /**
     * A batch of writes was handled (committed to the store, or sent to the search index) and will not be retried.
     *
     * @param stage {@link QueueBacklog#PERSIST} or {@link QueueBacklog#INDEX}; the embedded default's writer
     *     reports its committed batches as {@code persist} and its indexer the batches it indexed as {@code index}
     *     (a batch the index refused is reported once a retry succeeds)
     * @param shard the queue shard (always 0 for the embedded default)
     * @param lagMillis for each write of the batch, how long it waited from being accepted until its batch was
     *     handled, in milliseconds, never negative; its length is the size of the batch. The array is the
     *     listener's.
     */
    default void batchHandled(String stage, int shard, long[] lagMillis) {}

    /** A count reconciliation finished after {@code took}, correcting what {@code report} lists. */
    default void reconciled(ReconcileReport report, Duration took) {}

    /** A count reconciliation failed after {@code took}; the caller sees {@code failure}. */
    default void reconcileFailed(RuntimeException failure, Duration took) {}
}
