package dev.chatsystem.core.testing;

import dev.chatsystem.core.spi.JobLock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A job lock that grants every job and can be lost, as Redis loses one with its data: for tests of jobs that must stop,
 * without claiming success, once their lock is lost. Remembers whether a job gave its lock back.
 */
public final class LosableJobLock implements JobLock {
    private final AtomicBoolean lost = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile BooleanSupplier losesWhen = () -> false;

    /** Makes every lock it granted (and grants) lost, or held again. */
    public void lost(boolean isLost) {
        lost.set(isLost);
    }

    /**
     * Makes every lock lost from the first time a job asks after {@code condition} holds: to lose it at a given step of
     * the job (one the test can observe) without a thread racing the job.
     */
    public void losesWhen(BooleanSupplier condition) {
        losesWhen = condition;
    }

    /** Whether a job gave its lock back within {@code within}. */
    public boolean closedWithin(Duration within) throws InterruptedException {
        return closed.await(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether a job has given its lock back. */
    public boolean closed() {
        return closed.getCount() == 0;
    }

    @Override
    public Optional<Held> tryLock(String job) {
        return Optional.of(new Held() {
            @Override
            public boolean lost() {
                if (!lost.get() && losesWhen.getAsBoolean()) {
                    lost.set(true);
                }
                return lost.get();
            }

            @Override
            public void close() {
                closed.countDown();
            }
        });
    }
}
