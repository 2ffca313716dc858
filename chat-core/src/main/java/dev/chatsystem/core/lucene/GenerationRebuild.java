package dev.chatsystem.core.lucene;

import dev.chatsystem.core.spi.IndexRebuild;
import dev.chatsystem.core.spi.IndexedMessage;
import java.util.List;

/**
 * A full rebuild of the Lucene index in place ({@link LuceneSearchIndex#startRebuild}): its upserts are the index's
 * own, which carry the current generation, and completing deletes the documents of older ones ({@link Generations}).
 */
final class GenerationRebuild implements IndexRebuild {
    private final LuceneSearchIndex index;
    private final long generation;

    GenerationRebuild(LuceneSearchIndex index, long generation) {
        this.index = index;
        this.generation = generation;
    }

    @Override
    public void upsert(List<IndexedMessage> messages) {
        index.upsert(messages);
    }

    @Override
    public void complete() {
        index.completeRebuild(generation);
    }

    /** Nothing to release: an abandoned rebuild leaves the index whole, and incomplete until the next one. */
    @Override
    public void close() {}
}
