package dev.chatsystem.http;

import dev.chatsystem.core.Page;
import io.javalin.http.Context;
import io.javalin.http.Header;

/**
 * Adds the RFC 8288 {@code Link: <…>; rel="next"} header when a keyset page has a successor. The target is relative
 * (the path and query; RFC 8288 resolves it against the request's URI): an absolute one built from the request would
 * name the scheme and host the server was reached at, which behind a proxy are the proxy's upstream, not the client's.
 */
final class Pagination {
    private Pagination() {}

    static void linkNext(Context ctx, Page<?> page) {
        page.nextAfter().ifPresent(after -> {
            String next = ctx.path() + "?" + QueryParams.AFTER + "=" + after + "&" + QueryParams.LIMIT + "="
                    + QueryParams.limit(ctx);
            ctx.header(Header.LINK, "<" + next + ">; rel=\"next\"");
        });
    }
}
