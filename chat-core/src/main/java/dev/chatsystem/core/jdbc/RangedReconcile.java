package dev.chatsystem.core.jdbc;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.LongStream;

/**
 * Walks a table's ids range by range, and each range's wrong rows one by one, going on past a range or a row that
 * fails: one range too slow for the socket timeout (a chat of a hundred million messages), or one row that cannot be
 * fixed now, would otherwise end every run at the same place, and no count after it would ever be checked. Three
 * failures in a row end the walk: the database is down, and each failure may have waited out a timeout. A row whose
 * lock a busy chat holds past the lock wait says nothing of the kind: {@link CountReconciliation} sets it aside before
 * it gets here.
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
        List<Long> starts = LongStream.iterate(0, after -> after < maxId, after -> after + ids)
                .boxed()
                .toList();
        goingOn(starts, after -> range.fix(after, after + ids));
    }

    /**
     * Runs {@code work} on each of {@code items} in order, going on past a failure until {@link #MAX_FAILURES_IN_A_ROW}
     * in a row; then throws the first failure (the later ones suppressed by it), if any.
     */
    static <T> void goingOn(List<T> items, Consumer<T> work) {
        RuntimeException first = null;
        int inARow = 0;
        for (T item : items) {
            if (inARow == MAX_FAILURES_IN_A_ROW) {
                break;
            }
            try {
                work.accept(item);
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
