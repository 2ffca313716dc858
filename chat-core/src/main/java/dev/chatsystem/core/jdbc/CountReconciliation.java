package dev.chatsystem.core.jdbc;

import dev.chatsystem.core.ReconcileFailedException;
import dev.chatsystem.core.ReconcileReport;
import java.util.List;
import org.jdbi.v3.core.HandleCallback;

/**
 * One reconcile of every count: the applications' {@code chats_count}, then the chats' {@code messages_count}, each
 * table walked a range of ids at a time ({@link RangedReconcile}). A range's wrong rows are found by a plain read and
 * each is fixed in a transaction of its own: one transaction per range held the lock of every row it had fixed until
 * it had recounted all the others, so after a restore that left many counts wrong, a persist batch writing to a chat
 * fixed early waited for the rest of the range, and failed once its lock waits ran out.
 */
final class CountReconciliation {
    private static final String ACTION = "reconcile counts";

    /** Runs work on a handle of the store's: a read, or a transaction run again when rolled back. */
    @FunctionalInterface
    interface Work {
        <T> T run(String action, HandleCallback<T, RuntimeException> callback);
    }

    private final Work reads;
    private final Work transactions;
    private final ReconcileReport.Tally corrections = new ReconcileReport.Tally();

    CountReconciliation(Work reads, Work transactions) {
        this.reads = reads;
        this.transactions = transactions;
    }

    /**
     * Runs it once.
     *
     * @throws ReconcileFailedException when a range failed and others committed corrections (the later ranges are
     *     still checked; any other failure is thrown as it is)
     */
    ReconcileReport run() {
        RuntimeException failure = null;
        try {
            fixInRanges(CountFixer.APPLICATIONS);
        } catch (RuntimeException e) {
            failure = e;
        }
        try { // the chats' counts too: an application's range that failed says nothing about them
            fixInRanges(CountFixer.CHATS);
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure == null) {
            return corrections.report();
        }
        if (corrections.isEmpty()) {
            throw failure;
        }
        throw new ReconcileFailedException(corrections.report(), failure);
    }

    /** Every range of {@code fix}'s table, each wrong row fixed and reported as it commits. */
    private void fixInRanges(CountFixer.Fix fix) {
        long maxId = reads.run(ACTION, handle -> CountFixer.maxId(handle, fix));
        RangedReconcile.run(
                maxId,
                CountFixer.IDS_PER_RANGE,
                (after, upTo) -> fixRows(fix, reads.run(ACTION, handle -> CountFixer.wrong(handle, fix, after, upTo))));
    }

    /**
     * Fixes each row in a transaction of its own, going on past a row that fails (a lock wait on a busy chat), so that
     * the rest of the range is still fixed ({@link RangedReconcile#goingOn}).
     */
    private void fixRows(CountFixer.Fix fix, List<CountFixer.Wrong> wrong) {
        RangedReconcile.goingOn(
                wrong,
                row -> transactions
                        .run(ACTION, handle -> CountFixer.fix(handle, fix, row))
                        .ifPresent(correction -> corrections.addAll(List.of(correction))));
    }
}
