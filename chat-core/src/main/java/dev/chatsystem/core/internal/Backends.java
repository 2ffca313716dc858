package dev.chatsystem.core.internal;

import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.CountReconciler;
import dev.chatsystem.core.spi.JobLock;
import dev.chatsystem.core.spi.Numbering;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.spi.WritePath;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapters one {@link DefaultChatSystem} runs on, and what to release when it closes.
 *
 * @param indexLock held by whoever writes to the index what the store committed (the embedded indexer, a reindex
 *     batch) so a rebuild never overwrites a newer edit with an older body
 * @param jobLock shared by every process on the same backends, so that long jobs (a full reindex) run one at a time
 * @param closeInOrder everything the composition root opened, in the order to release it: the write path and workers
 *     first (they finish accepted work), the backends they write to last
 */
record Backends(
        ChatStore store,
        SearchIndex index,
        Numbering numbering,
        WritePath writes,
        CountReconciler reconciler,
        Lock indexLock,
        JobLock jobLock,
        List<AutoCloseable> closeInOrder)
        implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Backends.class);

    Backends {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(numbering, "numbering");
        Objects.requireNonNull(writes, "writes");
        Objects.requireNonNull(reconciler, "reconciler");
        Objects.requireNonNull(indexLock, "indexLock");
        Objects.requireNonNull(jobLock, "jobLock");
        closeInOrder = List.copyOf(closeInOrder);
    }

    @Override
    public void close() {
        for (AutoCloseable resource : closeInOrder) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
