package dev.chatsystem.http;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Cuts the connection of a client that reads a response slower than {@link RequestBodyBudget#MIN_DATA_RATE}, once
 * {@link RequestBodyBudget#GRACE} has passed since it first held a write up: the rule request bodies follow. A list or
 * search holds its share of the {@link BodyBudget} until its response is written, and Jetty's idle timeout starts
 * again with each byte the client takes, so a few clients taking a few KB every few seconds of 64 MB lists held the
 * budget for hours, and every other list and search got 503s. Jetty enforces no minimum response rate itself: in 12.1
 * {@code HttpConfiguration}'s is never read, and {@code MinimumDataRateHandler} counts the bytes of every response
 * that its handler wrote.
 *
 * <p>The clock starts at the first write that does not complete at once, not at the first write: the socket buffers
 * take the first megabytes at once, which as an average would let a reader idle for minutes. From then on, a write
 * still in flight when even its own bytes would not bring the average up to the rate fails, and so does the response:
 * the handler's write throws and its budget is given back. The connection is cut as the idle timeout cuts it (the
 * server speaks HTTP/1.1 only: the connection is this exchange's alone).
 */
final class ResponseDataRate extends Handler.Wrapper {
    ResponseDataRate(Handler handler) {
        super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return super.handle(request, new RateKeeping(request, response), callback);
    }

    /** One response, whose writes are never in flight two at a time. */
    private static final class RateKeeping extends Response.Wrapper {
        private static final long UNSET = Long.MIN_VALUE;
        private final Scheduler scheduler;
        private volatile long sent; // the bytes of the writes completed
        private volatile long waitingSince = UNSET; // when a write first had to wait for the client
        private volatile long sentBeforeWaiting;

        RateKeeping(Request request, Response response) {
            super(request, response);
            this.scheduler = request.getComponents().getScheduler();
        }

        @Override
        public void write(boolean last, ByteBuffer content, Callback callback) {
            long bytes = content == null ? 0 : content.remaining();
            long start = System.nanoTime();
            Write write = new Write(callback, bytes);
            super.write(last, content, write);
            // Most writes complete within the call, the socket taking all: they need no timer.
            write.watch(() -> {
                if (waitingSince == UNSET) {
                    waitingSince = start;
                    sentBeforeWaiting = sent;
                }
                long due = waitingSince
                        + RequestBodyBudget.GRACE.toNanos()
                        + (sent - sentBeforeWaiting + bytes) * 1_000_000_000L / RequestBodyBudget.MIN_DATA_RATE;
                return scheduler.schedule(write::expire, due - System.nanoTime(), TimeUnit.NANOSECONDS);
            });
        }

        private void cut() {
            getRequest()
                    .getConnectionMetaData()
                    .getConnection()
                    .getEndPoint()
                    .close(new TimeoutException("the client reads the response slower than "
                            + RequestBodyBudget.MIN_DATA_RATE + " bytes a second"));
        }

        /**
         * A write in flight, and the timer that cuts the connection if it is still in flight when due. Its state moves
         * once to DONE (completed: the timer, if any, is cancelled) or to EXPIRED (the timer cut the connection), so a
         * timer that fires as the write completes never cuts the connection, which may serve the next request.
         */
        private final class Write extends Callback.Nested {
            private static final Object ARMING = new Object();
            private static final Object DONE = new Object();
            private static final Object EXPIRED = new Object();
            private final long bytes;
            private final AtomicReference<Object> state = new AtomicReference<>(); // null, ARMING, the timer, or final

            Write(Callback callback, long bytes) {
                super(callback);
                this.bytes = bytes;
            }

            /** Starts the timer, unless the write has completed already. */
            void watch(Supplier<Scheduler.Task> timer) {
                if (!state.compareAndSet(null, ARMING)) {
                    return; // completed within the call
                }
                Scheduler.Task task = timer.get();
                if (!state.compareAndSet(ARMING, task) && state.get() == DONE) {
                    task.cancel(); // it completed meanwhile
                }
            }

            /** The timer: cuts the connection if the write is still in flight. */
            void expire() {
                for (Object current = state.get();
                        current == ARMING || current instanceof Scheduler.Task;
                        current = state.get()) {
                    if (state.compareAndSet(current, EXPIRED)) {
                        cut();
                        return;
                    }
                }
            }

            @Override
            public void succeeded() {
                stopTimer();
                sent += bytes; // writes complete one at a time: the next one waits for this callback
                super.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                stopTimer();
                super.failed(failure);
            }

            private void stopTimer() {
                for (Object current = state.get(); current != DONE && current != EXPIRED; current = state.get()) {
                    if (state.compareAndSet(current, DONE)) {
                        if (current instanceof Scheduler.Task task) {
                            task.cancel();
                        }
                        return;
                    }
                }
            }
        }
    }
}
