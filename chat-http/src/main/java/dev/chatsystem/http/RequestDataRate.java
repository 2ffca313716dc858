package dev.chatsystem.http;

import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * Fails a request body (408) that, past {@link RequestBodyBudget#GRACE} from its first read, has arrived slower than
 * {@link RequestBodyBudget#MIN_DATA_RATE}, so that it gives its room in the budget back. A read checks the rate, and
 * so does a timer while the reader waits for bytes the client has not sent: checked on reads alone, a client that
 * sent its headers and then nothing held its room until the idle timeout (30 s), and some twenty such connections, at
 * no bandwidth, kept every other request with a body waiting, then refused (503). The timer starts only for a read
 * that finds nothing there, as {@link ResponseDataRate}'s for a write that does not complete at once: most bodies
 * arrive with their headers and take none.
 */
final class RequestDataRate extends Request.Wrapper {
    private static final long UNSET = Long.MIN_VALUE;
    // Jetty never reads one request's body from two threads at once, and hands the reads over between threads.
    private volatile long firstReadNanos = UNSET;
    private volatile long received;
    private volatile boolean expired;
    private volatile ClientWait waiting; // the reader's latest wait for bytes, if any

    RequestDataRate(Request request) {
        super(request);
    }

    @Override
    public Content.Chunk read() {
        long now = start();
        if (expired || tooSlow(now)) {
            return Content.Chunk.from(
                    new BadMessageException(
                            HttpStatus.REQUEST_TIMEOUT_408,
                            "the request body arrives slower than " + RequestBodyBudget.MIN_DATA_RATE
                                    + " bytes a second"),
                    true);
        }
        Content.Chunk chunk = super.read();
        if (chunk != null) {
            received += chunk.remaining();
        }
        return chunk;
    }

    /**
     * Waits for bytes as Jetty does, and until the rate falls behind: then the reader is woken to read the 408. Jetty
     * still holds the callback, which does nothing once the timer has run it.
     */
    @Override
    public void demand(Runnable demandCallback) {
        start();
        ClientWait wait = new ClientWait(() -> {
            expired = true;
            getComponents().getExecutor().execute(demandCallback); // as Jetty wakes a reader: not on the scheduler
        });
        waiting = wait;
        super.demand(Invocable.from(Invocable.getInvocationType(demandCallback), () -> {
            if (wait.end()) {
                demandCallback.run();
            }
        }));
        // Due when the body, with no more bytes, falls below the rate (the read before this found it above).
        wait.watch(
                getComponents().getScheduler(),
                () -> firstReadNanos
                        + RequestBodyBudget.GRACE.toNanos()
                        + received * 1_000_000_000L / RequestBodyBudget.MIN_DATA_RATE);
    }

    /** Once the response is complete: a timer still running would wake a reader that has gone. */
    void complete() {
        ClientWait wait = waiting;
        if (wait != null) {
            wait.end();
        }
    }

    /** The time now, which starts the clock if nothing has read the body yet. */
    private long start() {
        long now = System.nanoTime();
        if (firstReadNanos == UNSET) {
            firstReadNanos = now;
        }
        return now;
    }

    private boolean tooSlow(long now) {
        long late = now - firstReadNanos - RequestBodyBudget.GRACE.toNanos();
        return late > 0 && received < RequestBodyBudget.MIN_DATA_RATE * late / 1_000_000_000L;
    }
}
