package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A wait gives up once when still waiting at its due time, and never after it has ended. */
class ClientWaitTest {
    private final ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler();

    @BeforeEach
    void start() throws Exception {
        scheduler.start();
    }

    @AfterEach
    void stop() throws Exception {
        scheduler.stop();
    }

    @Test
    void aWaitStillWaitingWhenDueExpiresOnceAndCannotEndAfterwards() throws Exception {
        CountDownLatch expired = new CountDownLatch(1);
        ClientWait wait = new ClientWait(expired::countDown);

        wait.watch(scheduler, System::nanoTime);

        assertThat(expired.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(wait.end()).isFalse();
    }

    @Test
    void aWaitThatEndsFirstNeverExpires() throws Exception {
        AtomicInteger expiries = new AtomicInteger();
        ClientWait wait = new ClientWait(expiries::incrementAndGet);

        wait.watch(scheduler, () -> System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(wait.end()).isTrue();

        Thread.sleep(1_000);
        assertThat(expiries).hasValue(0);
        assertThat(wait.end()).isTrue();
    }

    @Test
    void aWaitThatEndedWithinTheCallStartsNoTimer() throws Exception {
        AtomicInteger dueTimes = new AtomicInteger();
        AtomicInteger expiries = new AtomicInteger();
        ClientWait wait = new ClientWait(expiries::incrementAndGet);

        assertThat(wait.end()).isTrue();
        wait.watch(scheduler, () -> {
            dueTimes.incrementAndGet();
            return System.nanoTime();
        });

        Thread.sleep(200);
        assertThat(dueTimes).hasValue(0);
        assertThat(expiries).hasValue(0);
    }
}
