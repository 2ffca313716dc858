package dev.chatsystem.core.spi;

import java.time.Duration;

/**
 * The port that lets one process among all that share the backends run a periodic job, such as the count
 * reconciler: whoever takes the lease runs the job; the lease is never renewed or given back, so the job runs at
 * most once per {@code period} across every process asking.
 *
 * <p>Thread-safe. Not idempotent: a second call within the period answers false, even from the holder.
 */
public interface JobLease {

    /**
     * Takes the lease named {@code job} for {@code period} if no one holds it.
     *
     * @return true when this caller took it and should run the job now
     * @throws dev.chatsystem.core.BackendUnavailableException when the lease cannot be read
     */
    boolean tryAcquire(String job, Duration period);
}
