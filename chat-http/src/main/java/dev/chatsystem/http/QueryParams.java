package dev.chatsystem.http;

import dev.chatsystem.core.InvalidInputException;
import dev.chatsystem.core.PageRequest;
import io.javalin.http.Context;

/**
 * Parses query parameters (strictly decoded: {@link QueryString}): the keyset page ({@code after}, {@code limit}) and
 * the search query.
 */
final class QueryParams {
    static final String AFTER = "after";
    static final String LIMIT = "limit";
    static final String QUERY = "query";

    private QueryParams() {}

    /** {@code ?after=N&limit=L}; {@code after} defaults to 0, {@code limit} to 100 and may be 1..1000. */
    static PageRequest page(Context ctx) {
        String after = QueryString.of(ctx).get(AFTER).orElse(null);
        long afterNumber = after == null ? 0 : Numbers.parseNonNegative(AFTER, after);
        return new PageRequest(afterNumber, limit(ctx));
    }

    static int limit(Context ctx) {
        String raw = QueryString.of(ctx).get(LIMIT).orElse(null);
        if (raw == null) {
            return PageRequest.DEFAULT_LIMIT;
        }
        long limit = Numbers.parsePositive(LIMIT, raw);
        if (limit > PageRequest.MAX_LIMIT) {
            throw new InvalidInputException(
                    LIMIT + " must be between 1 and " + PageRequest.MAX_LIMIT + ", was " + Numbers.shown(raw));
        }
        return (int) limit;
    }

    /**
     * Search answers one page, best match first, with no {@code Link}: an {@code after} (a message number in lists)
     * has no meaning there, and was ignored, so a client paging with it got the first page again and again.
     */
    static void requireNoAfter(Context ctx) {
        if (QueryString.of(ctx).get(AFTER).isPresent()) {
            throw new InvalidInputException(
                    "search returns one page of at most " + LIMIT + " results; it takes no " + AFTER);
        }
    }

    /**
     * The required {@code ?query=}. A blank one is refused by the core, whose blank (no-break and zero width spaces
     * too) is a body's: {@code String.isBlank()} here let a query of U+00A0 through as an empty search.
     */
    static String query(Context ctx) {
        return QueryString.of(ctx)
                .get(QUERY)
                .orElseThrow(() -> new InvalidInputException(QUERY + " is required and must not be blank"));
    }
}
