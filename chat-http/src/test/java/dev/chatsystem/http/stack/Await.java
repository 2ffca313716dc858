package dev.chatsystem.http.stack;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until a deadline instead of sleeping for a guessed time. */
final class Await {
    private Await() {}

    /** Returns how long it took; fails with {@code what} and the last observation when the deadline passes. */
    static Duration until(Duration timeout, String what, Supplier<Object> observation, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "not within " + timeout.toSeconds() + " s: " + what + "; last seen: " + observation.get());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    static Duration until(Duration timeout, String what, BooleanSupplier condition) {
        return until(timeout, what, () -> "-", condition);
    }
}
