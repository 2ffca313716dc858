package dev.chatsystem.http;

import dev.chatsystem.core.Message;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bounds the heap that message bodies hold at once, in responses or in requests (the server keeps one budget of each,
 * so that a create never queues behind a large search). A body may be 64 KB, so one page or search of 1,000 may hold
 * 64 MB, and a few dozen of them in flight filled a 256 MB heap: {@code OutOfMemoryError} and 500s for everyone
 * (measured: 32 concurrent searches of 300 bodies of 56 KB). A request body may be 1 MiB, so a few hundred uploads at
 * once would do the same. A request reserves its worst case before it loads messages or reads its body, keeps what it
 * needs until its response is written, then gives it all back; one that cannot reserve in time gets a 503 with
 * {@code Retry-After}. Permits are kibibytes, handed out in arrival order.
 *
 * <p>No request reserves more than half the budget: one reserving all of it would wait for every response in flight,
 * a slow reader's included, and hold up every request behind it. A request whose bodies turn out larger than that half
 * (a search of 1,000 bodies averaging over 32 KB) goes beyond the budget; at most two can, so the heap they hold stays
 * within twice the budget.
 */
final class BodyBudget {
    /** A body's worst case on the heap: 64 KB of text as a Java string, and the row and record around it. */
    static final int WORST_KIB_PER_MESSAGE = 65;

    /** How long a request waits for room before the server answers 503. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private final int totalKib;
    private final Duration wait;
    private final Semaphore kib;
    private final LongAdder refusals = new LongAdder();

    /** A budget of {@code totalKib} kibibytes (at least 1); a request waits up to {@code wait} for room. */
    BodyBudget(int totalKib, Duration wait) {
        this.totalKib = Math.max(1, totalKib);
        this.wait = wait;
        this.kib = new Semaphore(this.totalKib, true);
    }

    /** A quarter of the heap, waited for up to {@link #WAIT}: the rest stays for all else a busy server holds. */
    static BodyBudget quarterOfHeap() {
        return new BodyBudget(
                (int) Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / 4 / 1024), WAIT);
    }

    /**
     * Reserves room for up to {@code messages} bodies, waiting for it as long as the budget says.
     *
     * @throws HttpResponseException 503 when there was no room in time ({@link Problems} adds {@code Retry-After})
     */
    Reservation reserve(int messages) {
        return tryReserve((long) messages * WORST_KIB_PER_MESSAGE + 1)
                .orElseThrow(() -> new HttpResponseException(
                        HttpStatus.SERVICE_UNAVAILABLE.getCode(),
                        "The server is busy sending other large responses; retry shortly."));
    }

    /**
     * Reserves room for a request body of {@code bytes}, waiting for it as long as the budget says: the bytes, and
     * the text decoded from them (two bytes a character at worst), while its request is handled. Empty when there
     * was no room in time.
     */
    Optional<Reservation> tryReserveRequestBody(long bytes) {
        return tryReserve(3 * bytes / 1024 + 1);
    }

    private Optional<Reservation> tryReserve(long worstKib) {
        int worst = (int) Math.min(Math.max(1, totalKib / 2), worstKib);
        boolean acquired;
        try {
            acquired = kib.tryAcquire(worst, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            refusals.increment();
            return Optional.empty();
        }
        return Optional.of(new Reservation(worst));
    }

    /** Requests refused so far for want of room (each answered 503). */
    long refusals() {
        return refusals.sum();
    }

    /** Kibibytes free now (for tests and diagnostics). */
    int availableKib() {
        return kib.availablePermits();
    }

    /**
     * Room held by one request; close it once its response is written. Closing is atomic and gives the room back once,
     * whichever thread completes the response; {@link #keep} is for the request's own thread, before it closes.
     */
    final class Reservation implements AutoCloseable {
        private final AtomicInteger held;

        private Reservation(int held) {
            this.held = new AtomicInteger(held);
        }

        /** Gives back what {@code loaded} does not need of the worst case reserved. */
        void keep(List<Message> loaded) {
            long needed = 1;
            for (Message message : loaded) {
                // A Java string of UTF-16 at worst, never above the 64 KB its UTF-8 may take (one byte per Latin-1
                // character either way), and the record, row and JSON around it.
                needed += (Math.min(2L * message.body().length(), 65_536) + 512) / 1024 + 1;
            }
            int before = held.get();
            int kept = (int) Math.min(before, needed);
            if (held.compareAndSet(before, kept)) {
                kib.release(before - kept);
            }
        }

        @Override
        public void close() {
            kib.release(held.getAndSet(0));
        }
    }
}
