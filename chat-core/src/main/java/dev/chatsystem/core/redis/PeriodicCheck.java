package dev.chatsystem.core.redis;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Runs a check on a daemon thread of its own, after {@code firstAfter} and then {@code every} after each run ends,
 * until closed. A failed run keeps what the last one found and is logged at debug: with Redis unreachable the scripts
 * fail anyway, and a check must not fill the log twice a minute. An {@link Error} too: thrown out of the schedule, it
 * would end the runs.
 */
final class PeriodicCheck implements AutoCloseable {
    private final ScheduledExecutorService runner;

    private PeriodicCheck(ScheduledExecutorService runner) {
        this.runner = runner;
    }

    static PeriodicCheck start(
            String threadName, Duration firstAfter, Duration every, Runnable check, Logger log, String failure) {
        ScheduledExecutorService runner = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(threadName).daemon().factory());
        runner.scheduleWithFixedDelay(
                () -> {
                    try {
                        check.run();
                    } catch (RuntimeException | Error e) {
                        log.debug(failure, e);
                    }
                },
                firstAfter.toMillis(),
                every.toMillis(),
                TimeUnit.MILLISECONDS);
        return new PeriodicCheck(runner);
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }
}
