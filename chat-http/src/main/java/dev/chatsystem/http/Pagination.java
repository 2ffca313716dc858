package dev.chatsystem.http;

import dev.chatsystem.core.Page;
import io.javalin.http.Context;
import io.javalin.http.Header;

/** Adds the RFC 8288 {@code Link: <…>; rel="next"} header when a keyset page has a successor. */
final class Pagination {
    private Pagination() {}

    static void linkNext(Context ctx, Page<?> page) {
        page.nextAfter().ifPresent(after -> {
            String next = ctx.url() + "?" + QueryParams.AFTER + "=" + after + "&" + QueryParams.LIMIT + "="
                    + QueryParams.limit(ctx);
            ctx.header(Header.LINK, "<" + next + ">; rel=\"next\"");
        });
    }
}
