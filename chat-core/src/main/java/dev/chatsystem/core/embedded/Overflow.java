package dev.chatsystem.core.embedded;

import java.util.ArrayList;
import java.util.List;

/**
 * Batches the writer could not queue for the indexer because it was stuck in one attempt (an Elasticsearch that
 * hangs instead of refusing answers only after the client's 30 s timeout): they wait here, so that the writer goes on
 * committing and answering, and the indexer takes them with the queue's. Bounded with the documents the indexer holds
 * for a retry, by {@link IndexStage#MAX_UNINDEXED} documents and {@link IndexStage#MAX_UNINDEXED_CHARS} characters in
 * all, the bound past which those are dropped anyway. Thread-safe.
 */
final class Overflow {
    private final List<IndexBatch> batches = new ArrayList<>();
    private long documents;
    private long chars;
    /** What the indexer holds for a retry, as it last published: counted against the same bound. */
    private volatile long heldDocuments;

    private volatile long heldChars;

    /** Adds the batch unless that would exceed the bound; whether it did. */
    synchronized boolean add(IndexBatch batch) {
        long batchChars = IndexBatch.chars(batch.documents());
        if (documents + batch.documents().size() + heldDocuments > IndexStage.MAX_UNINDEXED
                || chars + batchChars + heldChars > IndexStage.MAX_UNINDEXED_CHARS) {
            return false;
        }
        batches.add(batch);
        documents += batch.documents().size();
        chars += batchChars;
        return true;
    }

    /** Moves every batch, in the order they came, to {@code taken}. */
    synchronized void drainTo(List<IndexBatch> taken) {
        taken.addAll(batches);
        batches.clear();
        documents = 0;
        chars = 0;
    }

    /** The indexer thread: what it holds for a retry now. */
    void held(long documents, long chars) {
        heldDocuments = documents;
        heldChars = chars;
    }
}
