package dev.chatsystem.http;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;
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
            write.wait.watch(scheduler, () -> {
                if (waitingSince == UNSET) {
                    waitingSince = start;
                    sentBeforeWaiting = sent;
                }
                return waitingSince
                        + RequestBodyBudget.GRACE.toNanos()
                        + (sent - sentBeforeWaiting + bytes) * 1_000_000_000L / RequestBodyBudget.MIN_DATA_RATE;
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

        /** A write in flight, whose timer cuts the connection if it is still in flight when due. */
        private final class Write extends Callback.Nested {
            private final ClientWait wait = new ClientWait(RateKeeping.this::cut);
            private final long bytes;

            Write(Callback callback, long bytes) {
                super(callback);
                this.bytes = bytes;
            }

            @Override
            public void succeeded() {
                wait.end();
                sent += bytes; // writes complete one at a time: the next one waits for this callback
                super.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                wait.end();
                super.failed(failure);
            }
        }
    }
}
