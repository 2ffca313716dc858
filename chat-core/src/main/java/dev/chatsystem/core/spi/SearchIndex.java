package dev.chatsystem.core.spi;

import dev.chatsystem.core.BackendStatus;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The port to full-text search over message bodies.
 *
 * <p>Semantics every adapter implements identically: the body and the query are split into words by the Unicode
 * text segmentation rules (Lucene's and Elasticsearch's {@code standard} tokenizer) and lower-cased; a message
 * matches when every query word occurs inside one of its words (whole word, prefix or infix); whole-word matches
 * rank above prefix matches, which rank above infix matches. A query with no words matches nothing. Query text is
 * never interpreted as query syntax, so any characters are safe.
 *
 * <p>Thread-safe. Upserts are idempotent (keyed by token, chat and message number). Failures are reported as
 * {@link dev.chatsystem.core.BackendUnavailableException}.
 */
public interface SearchIndex extends AutoCloseable {

    /** Adds or replaces these messages. Visible to {@link #search} when this returns. */
    void upsert(List<IndexedMessage> messages);

    /**
     * Adds or replaces these messages for a background indexer: durable in the index when this returns, visible to
     * {@link #search} after the index's next refresh (about a second), so a busy indexer never waits for one.
     */
    default void indexInBackground(List<IndexedMessage> messages) {
        upsert(messages);
    }

    /** Numbers of the chat's messages that match {@code query}, best first, at most {@code limit}. */
    List<Long> search(String token, long chatNumber, String query, int limit);

    /**
     * Starts a full rebuild from the store. This default rebuilds in place: it clears the index, whose searches then
     * find only what the rebuild has written so far, and records the rebuild ({@link #rebuilt}) when it completes. An
     * adapter that can build a new index beside the one it serves overrides it.
     */
    default IndexRebuild startRebuild() {
        clear(Optional.empty());
        return new IndexRebuild() {
            @Override
            public void upsert(List<IndexedMessage> messages) {
                SearchIndex.this.upsert(messages);
            }

            @Override
            public void complete(BooleanSupplier lockLost) {
                // Another rebuild may have cleared the index since: recording it rebuilt would hide that it is partial.
                IndexRebuild.requireLockHeld(lockLost, "recording the index rebuilt");
                rebuilt();
            }

            @Override
            public void close() {}
        };
    }

    /** Removes every document, of one application when {@code token} is present. */
    void clear(Optional<String> token);

    /** How many documents the index holds. */
    long count();

    /**
     * True when the index may have missed writes (for example after a crash) and must be rebuilt from the store
     * before it is trusted. Cleared by a successful rebuild.
     */
    boolean needsRebuild();

    /**
     * Records that a full rebuild in place from the store has completed (by the default {@link #startRebuild}; never
     * after a rebuild of one application).
     */
    void rebuilt();

    BackendStatus health();

    @Override
    void close();
}
