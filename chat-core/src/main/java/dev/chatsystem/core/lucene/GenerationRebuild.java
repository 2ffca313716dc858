package dev.chatsystem.core.lucene;

import dev.chatsystem.core.spi.IndexRebuild;
import dev.chatsystem.core.spi.IndexedMessage;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A full rebuild of the Lucene index in place ({@link LuceneSearchIndex#startRebuild}): its upserts are the index's
 * own, which carry the current generation, and completing deletes the documents of older ones ({@link Generations}).
 */
final class GenerationRebuild implements IndexRebuild {
    private final LuceneSearchIndex index;
    private final long generation;
    /** {@link Completeness#writerLosses} when the rebuild started. */
    private final long writerLossesAtStart;

    GenerationRebuild(LuceneSearchIndex index, long generation, long writerLossesAtStart) {
        this.index = index;
        this.generation = generation;
        this.writerLossesAtStart = writerLossesAtStart;
    }

    @Override
    public void upsert(List<IndexedMessage> messages) {
        index.upsert(messages);
    }

    /**
     * The embedded form's lock is never lost, and {@link Generations} already refuses to complete a rebuild another one
     * overtook; the lock is asked all the same before the deletes, as the port requires of every adapter.
     */
    @Override
    public void complete(BooleanSupplier lockLost) {
        IndexRebuild.requireLockHeld(lockLost, "deleting what it did not write");
        index.completeRebuild(generation, writerLossesAtStart);
    }

    /** Nothing to release: an abandoned rebuild leaves the index whole, and incomplete until the next one. */
    @Override
    public void close() {}
}
