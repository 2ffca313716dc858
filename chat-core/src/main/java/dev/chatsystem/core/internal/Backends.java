package dev.chatsystem.core.internal;

import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.CountReconciler;
import dev.chatsystem.core.spi.Numbering;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.spi.WritePath;
import java.util.Objects;
import java.util.concurrent.locks.Lock;

/**
 * The adapters one {@link DefaultChatSystem} runs on. {@code indexLock} is held by whoever writes to the index from
 * the store (the writer, a reindex batch) so that a rebuild never overwrites a newer edit with an older body.
 * Closing releases the write path first (it drains), then the index, then the store.
 */
record Backends(
        ChatStore store,
        SearchIndex index,
        Numbering numbering,
        WritePath writes,
        CountReconciler reconciler,
        Lock indexLock)
        implements AutoCloseable {
    Backends {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(numbering, "numbering");
        Objects.requireNonNull(writes, "writes");
        Objects.requireNonNull(reconciler, "reconciler");
        Objects.requireNonNull(indexLock, "indexLock");
    }

    @Override
    public void close() {
        try (store;
                index;
                writes) {
            // try-with-resources closes in reverse order of declaration: writes, index, store.
        }
    }
}
