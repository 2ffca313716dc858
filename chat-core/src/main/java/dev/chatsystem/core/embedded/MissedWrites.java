package dev.chatsystem.core.embedded;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Where the indexer reports committed documents it dropped, so that the search index gets rebuilt from the store. An
 * index that can remember this across a restart (the Lucene index commits itself as incomplete) is wired with
 * {@link #of}, so the next start rebuilds it and a reindex ends the report; any other with {@link #inMemory()}.
 * Thread-safe; neither method throws.
 */
public interface MissedWrites {

    /** Committed documents will never reach the index. */
    void record();

    /** True from {@link #record()} until the index was repaired (a rebuild from the store started after it). */
    boolean unrepaired();

    /** The index's own record: {@code record} must not throw. */
    static MissedWrites of(Runnable record, BooleanSupplier unrepaired) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(unrepaired, "unrepaired");
        return new MissedWrites() {
            @Override
            public void record() {
                record.run();
            }

            @Override
            public boolean unrepaired() {
                return unrepaired.getAsBoolean();
            }
        };
    }

    /** Remembered by this process only, until it stops: nothing tells it about a reindex. */
    static MissedWrites inMemory() {
        AtomicBoolean missed = new AtomicBoolean();
        return of(() -> missed.set(true), missed::get);
    }
}
