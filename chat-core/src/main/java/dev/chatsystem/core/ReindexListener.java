package dev.chatsystem.core;

/** Receives progress while the search index is rebuilt. Called from the rebuilding thread. */
@FunctionalInterface
public interface ReindexListener {
    ReindexListener NONE = (done, total) -> {};

    /** Called after each batch: {@code done} of {@code total} messages are indexed. */
    void progress(long done, long total);
}
