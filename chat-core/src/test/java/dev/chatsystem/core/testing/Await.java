package dev.chatsystem.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

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

    /**
     * Runs {@code action} on a thread of its own and returns once it has finished or blocks (waits) in it, failing
     * after {@code within}: unlike a sleep, "not done" then means the call waits, not that it has not started yet.
     */
    public static <T> CompletableFuture<T> blockedInCall(Supplier<T> action, Duration within) {
        CompletableFuture<T> done = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().daemon().start(() -> {
            try {
                done.complete(action.get());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        until(
                () -> done.isDone()
                        || thread.getState() == Thread.State.WAITING
                        || thread.getState() == Thread.State.TIMED_WAITING,
                within);
        return done;
    }

    /** {@link #blockedInCall} for an action without a result. */
    public static CompletableFuture<Void> blockedIn(Runnable action, Duration within) {
        return blockedInCall(
                () -> {
                    action.run();
                    return null;
                },
                within);
    }
}
