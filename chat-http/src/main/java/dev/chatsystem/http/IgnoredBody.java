package dev.chatsystem.http;

import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.Header;
import java.io.IOException;
import java.io.InputStream;

/**
 * The body of a request to a route that takes none (a chat's create, every GET), held to the same largest size as the
 * bodies that are read. A body declared larger is refused before any handler runs; one of unknown length (chunked) was
 * never read, so a chat was created (201) under a body of any size. Here such a body is read and dropped, a buffer at a
 * time, before the route's handler runs: past {@link ChatServer#MAX_REQUEST_SIZE} it is a 413, and nothing happened.
 * {@link RequestBodyBudget} has already reserved room for it, and holds it to the minimum data rate.
 */
final class IgnoredBody {
    private static final int BUFFER = 8192;

    private IgnoredBody() {}

    /** {@code handler}, run once the body it ignores has been read and found no larger than the maximum. */
    static Handler droppedBefore(Handler handler) {
        return ctx -> {
            drop(ctx);
            handler.handle(ctx);
        };
    }

    /**
     * Reads and drops a body of unknown length.
     *
     * @throws ContentTooLargeResponse when it is larger than the maximum; the connection then closes, as the rest of
     *     the body may still be on its way
     */
    static void drop(Context ctx) throws IOException {
        // A declared length was checked before routing; no Transfer-Encoding and no length is no body (HTTP/1.1).
        if (ctx.req().getContentLengthLong() >= 0 || ctx.header(Header.TRANSFER_ENCODING) == null) {
            return;
        }
        InputStream in = ctx.req().getInputStream();
        byte[] buffer = new byte[BUFFER];
        long read = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            read += n;
            if (read > ChatServer.MAX_REQUEST_SIZE) {
                ctx.header(Header.CONNECTION, "close");
                throw new ContentTooLargeResponse();
            }
        }
    }
}
