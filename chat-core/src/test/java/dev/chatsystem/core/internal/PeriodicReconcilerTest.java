package dev.chatsystem.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.ReconcileReport.Correction;
import dev.chatsystem.core.embedded.LocalJobLease;
import dev.chatsystem.core.embedded.LocalJobLock;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.redis.RedisBackend;
import dev.chatsystem.core.spi.CountReconciler;
import dev.chatsystem.core.spi.JobLease;
import dev.chatsystem.core.spi.JobLock;
import dev.chatsystem.core.testing.MovableClock;
import dev.chatsystem.core.testing.RecordingWorkerListener;
import dev.chatsystem.core.testing.Services;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * The safety-net reconciler: one run per interval, failures reported and retried, and one process per interval among
 * workers sharing a Redis. Driven tick by tick where it can; one test lets it run on its own thread.
 */
class PeriodicReconcilerTest {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final ReconcileReport ONE_FIX = new ReconcileReport(List.of(new Correction("t", 1, 7, 2)));

    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final RecordingWorkerListener listener = new RecordingWorkerListener();
    private final AtomicInteger runs = new AtomicInteger();

    @TempDir
    Path dataDir;

    @Test
    void runsOncePerIntervalAndReportsEachRun() {
        PeriodicReconciler reconciler = reconciler(counting(), new LocalJobLease(clock), HOUR);

        assertThat(reconciler.tick()).isTrue();
        clock.advance(HOUR.minusSeconds(1));
        assertThat(reconciler.tick()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(reconciler.tick()).isTrue();

        assertThat(runs).hasValue(2);
        assertThat(listener.reconciled).containsExactly(ONE_FIX, ONE_FIX);
        assertThat(listener.failed).isEmpty();
    }

    @Test
    void aFailedRunIsReportedAndRetriedTheNextInterval() {
        CountReconciler failingOnce = () -> {
            if (runs.incrementAndGet() == 1) {
                throw new BackendUnavailableException("database down");
            }
            return ONE_FIX;
        };
        PeriodicReconciler reconciler = reconciler(failingOnce, new LocalJobLease(clock), HOUR);

        assertThat(reconciler.tick()).isTrue(); // failed, logged, not thrown
        assertThat(reconciler.tick()).isFalse();
        clock.advance(HOUR);
        assertThat(reconciler.tick()).isTrue();

        assertThat(listener.failed).singleElement().isInstanceOf(BackendUnavailableException.class);
        assertThat(listener.reconciled).containsExactly(ONE_FIX);
    }

    @Test
    void anErrorInARunIsLoggedNotThrownSoTheScheduleGoesOn() {
        CountReconciler failingOnce = () -> {
            if (runs.incrementAndGet() == 1) {
                throw new StackOverflowError("simulated"); // not OutOfMemoryError, which JUnit rethrows as fatal
            }
            return ONE_FIX;
        };
        PeriodicReconciler reconciler = reconciler(failingOnce, new LocalJobLease(clock), HOUR);

        assertThat(reconciler.tick()).isTrue(); // thrown from a scheduled task, it would have cancelled the schedule
        clock.advance(HOUR);
        assertThat(reconciler.tick()).isTrue();

        assertThat(listener.reconciled).containsExactly(ONE_FIX);
    }

    @Test
    void anUnavailableLeaseSkipsTheTickWithoutThrowing() {
        JobLease down = (job, period) -> {
            throw new BackendUnavailableException("Redis down");
        };

        assertThat(reconciler(counting(), down, HOUR).tick()).isFalse();
        assertThat(runs).hasValue(0);
    }

    /** The lease lapses after an interval; a run that outlasts it holds the lock, so the next tick does not join it. */
    @Test
    void aRunLongerThanTheIntervalIsNotJoinedByAnother() throws Exception {
        JobLock lock = new LocalJobLock();
        JobLease alwaysGranted = (job, period) -> true;
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        PeriodicReconciler slow = reconciler(blocking(running, finish), alwaysGranted, lock, HOUR);
        PeriodicReconciler next = reconciler(counting(), alwaysGranted, lock, HOUR);

        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(slow::tick);
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(next.tick()).isFalse();
        finish.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();

        assertThat(next.tick()).isTrue();
        assertThat(runs).hasValue(2);
    }

    /**
     * A stop waits for a run under way only briefly: a recount of a large store, or one stuck on a hung database, must
     * not hold a stop past a container's grace period (it waited 30 s before the workers were even told to stop).
     */
    @Test
    void aStopWaitsForARunUnderWayOnlyBriefly() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        PeriodicReconciler stuck = reconciler(
                        blocking(running, finish), new LocalJobLease(Clock.systemUTC()), Duration.ofSeconds(1))
                .start();
        try {
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

            long started = System.nanoTime();
            stuck.close();
            Duration stopped = Duration.ofNanos(System.nanoTime() - started);

            assertThat(stopped)
                    .isGreaterThanOrEqualTo(PeriodicReconciler.STOP_TIMEOUT)
                    .isLessThan(Duration.ofSeconds(10));
        } finally {
            finish.countDown();
        }
    }

    @Test
    void ticksOnItsOwnThreadAQuarterIntervalApartAtMostAMinute() {
        assertThat(PeriodicReconciler.tickOf(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(250));
        assertThat(PeriodicReconciler.tickOf(HOUR)).isEqualTo(Duration.ofMinutes(1));

        try (PeriodicReconciler started = reconciler(
                        counting(), new LocalJobLease(Clock.systemUTC()), Duration.ofSeconds(1))
                .start()) {
            awaitTrue(() -> runs.get() >= 2);
        }
        int stopped = runs.get();
        sleep(Duration.ofMillis(600));
        assertThat(runs).hasValue(stopped);
    }

    @Test
    void onlyOneOfTwoProcessesOnOneRedisRunsItPerInterval() {
        URI redis = Services.requireRedis().resolve("/5");
        try (RedisClient client = RedisClient.create(redis)) {
            client.flushDB();
        }
        try (H2ChatStore store = H2ChatStore.open(dataDir);
                RedisBackend first = RedisBackend.connect(redis, 1, store);
                RedisBackend second = RedisBackend.connect(redis, 1, store)) {
            // The three ticks below must fall within one lease, however long a loaded machine stalls between them.
            Duration interval = Duration.ofSeconds(3);
            PeriodicReconciler one = reconciler(counting(), first.jobLease("one"), interval);
            PeriodicReconciler other = reconciler(counting(), second.jobLease("other"), interval);

            assertThat(one.tick()).isTrue();
            assertThat(other.tick()).isFalse();
            assertThat(one.tick()).isFalse();
            sleep(interval.plusMillis(100)); // the lease expires in Redis
            assertThat(other.tick()).isTrue();
            assertThat(one.tick()).isFalse();
            assertThat(runs).hasValue(2);

            // Both ticking on their own: together about one run a second, where each alone would make as many.
            runs.set(0);
            sleep(interval.plusMillis(100));
            Duration aSecond = Duration.ofSeconds(1);
            try (PeriodicReconciler a = reconciler(counting(), first.jobLease("one"), aSecond)
                            .start();
                    PeriodicReconciler b = reconciler(counting(), second.jobLease("other"), aSecond)
                            .start()) {
                sleep(Duration.ofMillis(4_000));
            }
            assertThat(runs.get()).isBetween(2, 5);
        }
    }

    /** A run that counts itself, says it is running, then blocks until {@code finish} opens. */
    private CountReconciler blocking(CountDownLatch running, CountDownLatch finish) {
        return () -> {
            runs.incrementAndGet();
            running.countDown();
            try {
                finish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ONE_FIX;
        };
    }

    private PeriodicReconciler reconciler(CountReconciler delegate, JobLease lease, Duration interval) {
        return reconciler(delegate, lease, new LocalJobLock(), interval);
    }

    private PeriodicReconciler reconciler(CountReconciler delegate, JobLease lease, JobLock lock, Duration interval) {
        return new PeriodicReconciler(new ObservedReconciler(delegate, listener), lease, lock, interval);
    }

    private CountReconciler counting() {
        return () -> {
            runs.incrementAndGet();
            return ONE_FIX;
        };
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(deadline);
            sleep(Duration.ofMillis(20));
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
