package dev.chatsystem.core.spi;

import java.util.List;

/**
 * A full rebuild of a {@link SearchIndex} from the store, started by {@link SearchIndex#startRebuild}: the rebuilder
 * hands it every stored message, then {@link #complete}s it. Closing one that was not completed abandons it, and
 * the index goes on serving what it served before (an adapter that rebuilds in place has cleared it by then).
 *
 * <p>Used by one thread. Failures are reported as {@link dev.chatsystem.core.BackendUnavailableException}.
 */
public interface IndexRebuild extends AutoCloseable {

    /** Adds or replaces these messages in the index being built. */
    void upsert(List<IndexedMessage> messages);

    /**
     * True when the index keeps every document it held until the rebuild completes, so that abandoning it leaves the
     * index as complete as before; false for a rebuild that cleared the index first.
     */
    default boolean keepsIndexWhole() {
        return false;
    }

    /** Makes the rebuilt index the one searched and written, with every write the index took meanwhile. */
    void complete();

    /** Abandons the rebuild unless it completed; idempotent. */
    @Override
    void close();
}
