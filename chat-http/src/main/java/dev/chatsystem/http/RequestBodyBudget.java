package dev.chatsystem.http;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Holds room in a {@link BodyBudget} for each request body from before anything reads it until its response is
 * complete, so that many large bodies at once wait, then get a 503 with {@code Retry-After}, instead of filling the
 * heap. Without it, a few hundred clients each sending a body of 1 MiB (the largest accepted) ran a 256 MB server out
 * of memory, whether or not the bodies were valid. A body of unknown length (chunked) counts as the largest accepted;
 * one declared larger than that is refused before it is read and holds nothing. A client cannot hold its room by
 * sending slowly, or not at all: past a grace period, a body that has arrived at less than {@link #MIN_DATA_RATE}
 * fails (408) and gives its room back ({@link RequestDataRate}). (HTTP/1.1 only, as the server speaks: an HTTP/2 body
 * of unknown length has no {@code Transfer-Encoding} and would hold nothing.)
 */
final class RequestBodyBudget extends Handler.Wrapper {
    /**
     * Bytes a second a body must average once {@link #GRACE} has passed since its first read: 64 KB in 21 s. Responses
     * are held to the same rate and grace ({@link ResponseDataRate}).
     */
    static final long MIN_DATA_RATE = 4096;

    /**
     * How long a body may pause before the rate applies. Jetty's own minimum data rate has none: it checks every read
     * from the first, so a body of 3 KB whose second segment came a second late (a TCP retransmission) failed.
     */
    static final Duration GRACE = Duration.ofSeconds(5);

    private final BodyBudget budget;

    RequestBodyBudget(BodyBudget budget, Handler handler) {
        super(handler);
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long bytes = bodyBytes(request);
        if (bytes == 0) {
            return super.handle(request, response, callback);
        }
        Optional<BodyBudget.Reservation> reserved = budget.tryReserveRequestBody(bytes);
        if (reserved.isEmpty()) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            Response.writeError(
                    request,
                    response,
                    callback,
                    503,
                    "The server is busy receiving other large requests; retry shortly.");
            return true;
        }
        BodyBudget.Reservation reservation = reserved.get();
        RequestDataRate rated = new RequestDataRate(request);
        Callback releasing = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                rated.complete();
                reservation.close();
                super.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                rated.complete();
                reservation.close();
                super.failed(failure);
            }
        };
        boolean handled;
        try {
            handled = super.handle(rated, response, releasing);
        } catch (Throwable e) {
            reservation.close();
            throw e;
        }
        if (!handled) {
            reservation.close();
        }
        return handled;
    }

    /** What the body may take: its declared length, the largest accepted when chunked, none when refused unread. */
    static long bodyBytes(Request request) {
        long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (declared >= 0) {
            return declared <= ChatServer.MAX_REQUEST_SIZE ? declared : 0;
        }
        return request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING) ? ChatServer.MAX_REQUEST_SIZE : 0;
    }
}
