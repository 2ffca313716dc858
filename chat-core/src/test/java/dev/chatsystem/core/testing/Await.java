package dev.chatsystem.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for background work (workers, writers) to reach a state, failing the test after a deadline. */
public final class Await {
    private Await() {}

    /** Polls {@code condition} every 20 ms until it holds; fails after {@code within}. */
    public static void until(BooleanSupplier condition, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime())
                    .as("condition not met within %d s", within.toSeconds())
                    .isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
