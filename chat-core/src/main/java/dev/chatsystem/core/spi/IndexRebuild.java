package dev.chatsystem.core.spi;

import dev.chatsystem.core.BackendUnavailableException;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A full rebuild of a {@link SearchIndex} from the store, started by {@link SearchIndex#startRebuild}: the rebuilder
 * hands it every stored message, then {@link #complete}s it. Closing one that was not completed abandons it, and
 * the index goes on serving what it served before (an adapter that rebuilds in place has cleared it by then).
 *
 * <p>A full rebuild runs under a {@link JobLock}, which can be lost while it runs: another process may then start its
 * own. So completing asks the lock right before each step that cannot be undone, and fails there once it is lost.
 *
 * <p>Used by one thread. Failures are reported as {@link BackendUnavailableException}.
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

    /**
     * Makes the rebuilt index the one searched and written, with every write the index took meanwhile. Asks {@code
     * lockLost} (the rebuild's {@link JobLock.Held#lost}) right before each step that cannot be undone, and once it is
     * true fails with {@link #requireLockHeld}'s exception instead of taking that step: closing the rebuild then
     * abandons it, as after any failure.
     */
    void complete(BooleanSupplier lockLost);

    /** Completes a rebuild no other can overtake: one under a lock that cannot be lost, or under none. */
    default void complete() {
        complete(() -> false);
    }

    /** Abandons the rebuild unless it completed; idempotent. */
    @Override
    void close();

    /**
     * Throws, naming {@code nextStep}, once {@code lockLost}: another full rebuild may run now, so this one must stop
     * without claiming to have finished.
     *
     * @throws BackendUnavailableException when the lock is lost
     */
    static void requireLockHeld(BooleanSupplier lockLost, String nextStep) {
        if (lockLost.getAsBoolean()) {
            throw new BackendUnavailableException("the full reindex lost its job lock (the backend let it lapse or lost"
                    + " it) and stopped before " + nextStep + ", its rebuild abandoned: run it again");
        }
    }
}
