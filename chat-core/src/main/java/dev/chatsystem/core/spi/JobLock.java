package dev.chatsystem.core.spi;

import java.util.Optional;

/**
 * The port that lets one process among all that share the backends run a long job, such as a full reindex, at a time:
 * the holder keeps the lock until it closes it, and a holder that dies without closing it loses it within a bounded
 * time.
 *
 * <p>Thread-safe. Unlike {@link JobLease}, which paces a periodic job, this one excludes: two holds of one job never
 * overlap while the backend keeps its state (a Redis that loses its data loses the lock with it).
 */
public interface JobLock {

    /**
     * Takes the lock named {@code job} if no one holds it, this process included.
     *
     * @return the held lock, to close when the job ends; empty when another holder has it
     * @throws dev.chatsystem.core.BackendUnavailableException when the lock cannot be read
     */
    Optional<Held> tryLock(String job);

    /**
     * A lock this caller holds; closing it gives it back, and closing it again does nothing. Thread-safe.
     *
     * <p>A hold can be lost before it is closed: the backend let it lapse (the holder paused, or could not reach the
     * backend, for longer than the lock lives) or lost its data, and another holder may run the job now. A long job
     * asks {@link #lost()} between its steps and, once it is true, stops without claiming to have finished.
     */
    interface Held extends AutoCloseable {
        /** True once this hold may have been lost (and from then on); never true for a lock that cannot lapse. */
        boolean lost();

        @Override
        void close();
    }
}
