package dev.chatsystem.http;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A wait on a client (a response write it has not taken yet, request body bytes it has not sent) and the timer that
 * gives up on it when it is still waiting at its due time. Its state moves once to ENDED (the wait ended: the timer, if
 * any, is cancelled) or to EXPIRED (the timer gave up), so a timer that fires as the wait ends never acts on a
 * connection that may already serve the next request.
 */
final class ClientWait {
    private static final Object ARMING = new Object();
    private static final Object ENDED = new Object();
    private static final Object EXPIRED = new Object();
    private final AtomicReference<Object> state = new AtomicReference<>(); // null, ARMING, the timer, or final
    private final Runnable onExpiry;

    /** A wait that runs {@code onExpiry} (on the scheduler's thread) if the timer gives up on it. */
    ClientWait(Runnable onExpiry) {
        this.onExpiry = onExpiry;
    }

    /**
     * Starts the timer on {@code scheduler}, due at {@code due} ({@link System#nanoTime()}), unless the wait has ended
     * already: most end within the call that started them, and then take no timer, and {@code due} is not computed.
     */
    void watch(Scheduler scheduler, LongSupplier due) {
        if (!state.compareAndSet(null, ARMING)) {
            return;
        }
        Scheduler.Task task =
                scheduler.schedule(this::expire, due.getAsLong() - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (!state.compareAndSet(ARMING, task) && state.get() == ENDED) {
            task.cancel(); // it ended meanwhile
        }
    }

    /** Ends the wait and cancels its timer; false when the timer gave up on it first. */
    boolean end() {
        Object before = state.getAndUpdate(current -> current == EXPIRED ? EXPIRED : ENDED);
        if (before instanceof Scheduler.Task task) {
            task.cancel();
        }
        return before != EXPIRED;
    }

    private void expire() {
        Object before = state.getAndUpdate(current -> waiting(current) ? EXPIRED : current);
        if (waiting(before)) {
            onExpiry.run();
        }
    }

    private static boolean waiting(Object state) {
        return state == ARMING || state instanceof Scheduler.Task;
    }
}
