package dev.chatsystem.core.internal;

import dev.chatsystem.core.ReconcileFailedException;
import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.spi.CountReconciler;
import dev.chatsystem.core.spi.JobLease;
import dev.chatsystem.core.spi.JobLock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recomputes the stored counts periodically, a safety net for drift the write path should never cause. Every tick it
 * tries to take the job lease for a whole interval and runs only if it got it, so every process sharing the lease
 * (all workers on one Redis) together run it about once per interval, whoever ticks first. Ticks come a quarter of an
 * interval apart, at most a minute, so a restart never delays a run by much more than a tick.
 *
 * <p>A run also holds the job lock ({@link JobLock}), as long as it takes: the lease lapses after an interval, and a run
 * longer than that (a large store) must not be joined by another process's, which would only double the load.
 *
 * <p>A failure is logged and the lease is kept: the next interval tries again. Concurrent batches are safe, as the
 * reconciler recounts under the row lock; so a run whose lock is {@link JobLock.Held#lost() lost} goes on to its end
 * (the port has no steps to stop between), at worst alongside another.
 */
final class PeriodicReconciler implements AutoCloseable {
    static final String JOB = "reconcile";
    static final Duration MAX_TICK = Duration.ofMinutes(1);
    /**
     * How long a stop waits for a run under way. Short, so that a stop stays within a container's grace period (30 s
     * in docker-compose: 10 s for the HTTP requests in flight, then up to 15 s for the workers, which close before
     * this): a run over a large store, or one stuck on a hung database, would otherwise hold the stop for as long as
     * it waited. The store then closes under the run, which fails and rolls back what it had not committed: it only
     * recounts, so nothing is lost, and the next interval runs it again.
     */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(3);

    private static final Logger log = LoggerFactory.getLogger(PeriodicReconciler.class);

    private final CountReconciler reconciler;
    private final JobLease lease;
    private final JobLock lock;
    private final Duration interval;
    private ScheduledExecutorService executor;

    PeriodicReconciler(CountReconciler reconciler, JobLease lease, JobLock lock, Duration interval) {
        this.reconciler = Objects.requireNonNull(reconciler, "reconciler");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.lock = Objects.requireNonNull(lock, "lock");
        this.interval = Objects.requireNonNull(interval, "interval");
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
    }

    /** Starts ticking on a daemon thread of its own. */
    synchronized PeriodicReconciler start() {
        if (executor != null) {
            throw new IllegalStateException("already started");
        }
        executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("chat-reconciler").daemon().factory());
        long tick = tickOf(interval).toMillis();
        executor.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
        return this;
    }

    static Duration tickOf(Duration interval) {
        Duration quarter = interval.dividedBy(4);
        return quarter.compareTo(MAX_TICK) < 0 ? quarter : MAX_TICK;
    }

    /**
     * Runs a reconciliation if this process takes the lease and no run holds the lock; true when it did (even if the
     * run failed).
     */
    boolean tick() {
        JobLock.Held held;
        try {
            if (!lease.tryAcquire(JOB, interval)) {
                return false;
            }
            held = lock.tryLock(JOB).orElse(null);
        } catch (RuntimeException e) {
            log.warn("periodic reconcile skipped: the job lease is unavailable: {}", e.toString());
            return false;
        }
        if (held == null) {
            log.info("periodic reconcile skipped: the last run, longer than {}, still goes on", interval);
            return false;
        }
        try (held) {
            run();
        }
        return true;
    }

    private void run() {
        try {
            ReconcileReport report = reconciler.reconcile();
            if (report.corrected() > 0) {
                log.warn("periodic reconcile corrected {} counts", report.corrected());
            }
        } catch (ReconcileFailedException e) {
            log.warn(
                    "periodic reconcile failed after correcting {} counts, will retry in {}: {}",
                    e.committed().corrected(),
                    interval,
                    e.getCause().toString());
        } catch (RuntimeException e) {
            log.warn("periodic reconcile failed, will retry in {}: {}", interval, e.toString());
        } catch (Error e) { // thrown out of a scheduled task, it would cancel every later run
            log.error("periodic reconcile failed, will retry in {}", interval, e);
        }
    }

    /**
     * Stops ticking; a reconciliation under way is given {@link #STOP_TIMEOUT} to finish, as the store closes after
     * this.
     */
    @Override
    public synchronized void close() {
        if (executor == null) {
            return;
        }
        // No shutdownNow: interrupting a thread in the middle of file I/O can close the embedded database's files.
        executor.shutdown();
        // Not given up when interrupted (the interrupt is kept for after): the store closes after this.
        boolean interrupted = false;
        long until = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (!executor.isTerminated() && System.nanoTime() - until < 0) {
            try {
                executor.awaitTermination(until - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (!executor.isTerminated()) {
            log.warn("a periodic reconcile still runs after {}; closing anyway", STOP_TIMEOUT);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        executor = null;
    }
}
