package dev.chatsystem.core;

/**
 * One page of a keyset-paginated list: the rows numbered strictly after {@code after}, at most {@code limit} of them.
 *
 * @param after the last number the caller has seen; 0 starts from the beginning
 * @param limit the page size, 1..{@value #MAX_LIMIT}
 */
public record PageRequest(long after, int limit) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public PageRequest {
        if (after < 0) {
            throw new InvalidInputException("after must be 0 or more, was " + after);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidInputException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
    }

    /** The first page with the default size. */
    public static PageRequest first() {
        return new PageRequest(0, DEFAULT_LIMIT);
    }
}
