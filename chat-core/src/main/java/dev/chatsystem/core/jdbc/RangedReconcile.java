package dev.chatsystem.core.jdbc;

/**
 * Walks a table's ids range by range, going on past a range that fails: one range too slow for
 * the socket timeout (a chat of a hundred million messages) would otherwise end every run at the same place, and no
 * count after it would ever be checked. Three failures in a row end the run: the database is down, and each failure
 * may have waited out a timeout.
 */
final class RangedReconcile {
    static final int MAX_FAILURES_IN_A_ROW = 3;

    /** Fixes and commits the rows with ids in ({@code after}, {@code upTo}], reporting each fix as it commits. */
    @FunctionalInterface
    interface Range {
        void fix(long after, long upTo);
    }

    private RangedReconcile() {}

    /**
     * Runs {@code range} over ids up to {@code maxId}, {@code ids} at a time; then throws the first failure (the later
     * ones suppressed by it), if any.
     */
    static void run(long maxId, int ids, Range range) {
        RuntimeException first = null;
        int inARow = 0;
        for (long after = 0; after < maxId && inARow < MAX_FAILURES_IN_A_ROW; after += ids) {
            try {
                range.fix(after, after + ids);
                inARow = 0;
            } catch (RuntimeException e) {
                inARow++;
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
