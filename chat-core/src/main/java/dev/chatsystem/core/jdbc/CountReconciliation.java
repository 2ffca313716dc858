package dev.chatsystem.core.jdbc;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ReconcileFailedException;
import dev.chatsystem.core.ReconcileReport;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.jdbi.v3.core.HandleCallback;

/**
 * One reconcile of every count: the applications' {@code chats_count}, then the chats' {@code messages_count}, each
 * table walked a range of ids at a time ({@link RangedReconcile}). A range's wrong rows are found by a plain read and
 * each is fixed in a transaction of its own: one transaction per range held the lock of every row it had fixed until
 * it had recounted all the others, so after a restore that left many counts wrong, a persist batch writing to a chat
 * fixed early waited for the rest of the range, and failed once its lock waits ran out.
 *
 * <p>A row whose lock stayed held past every attempt's lock wait (a busy chat) is set aside and reported when the run
 * ends: it says nothing about the database, so it does not count toward the failures in a row that end a range, nor
 * fail its range toward those that end the run ({@link RangedReconcile}); else a few chats busy for longer than the
 * lock waits would end the range, and three such ranges the run, as if the database were down.
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
    private final Predicate<RuntimeException> lockedOut;
    private final ReconcileReport.Tally corrections = new ReconcileReport.Tally();
    /** One failure per row set aside, in the order they failed. */
    private final List<RuntimeException> lockedRows = new ArrayList<>();

    /**
     * @param lockedOut whether a failure of {@code transactions} is a row's lock held past its lock waits (or a
     *     deadlock) rather than the database failing
     */
    CountReconciliation(Work reads, Work transactions, Predicate<RuntimeException> lockedOut) {
        this.reads = reads;
        this.transactions = transactions;
        this.lockedOut = lockedOut;
    }

    /**
     * Runs it once.
     *
     * @throws ReconcileFailedException when a range or a row failed and others committed corrections (the later ranges
     *     and rows are still checked; any other failure is thrown as it is): the first failure of a range, else of a
     *     row set aside, is its cause, the others suppressed by it
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
        for (RuntimeException row : lockedRows) {
            if (failure == null) {
                failure = row;
            } else {
                failure.addSuppressed(row);
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
     * Fixes each row in a transaction of its own, going on past a row that fails, so that the rest of the range is
     * still fixed ({@link RangedReconcile#goingOn}).
     */
    private void fixRows(CountFixer.Fix fix, List<CountFixer.Wrong> wrong) {
        RangedReconcile.goingOn(wrong, row -> fixRow(fix, row));
    }

    /** Fixes the row, or sets it aside when its lock stayed held; any other failure is thrown. */
    private void fixRow(CountFixer.Fix fix, CountFixer.Wrong row) {
        try {
            transactions
                    .run(ACTION, handle -> CountFixer.fix(handle, fix, row))
                    .ifPresent(correction -> corrections.addAll(List.of(correction)));
        } catch (RuntimeException e) {
            if (!lockedOut.test(e)) {
                throw e;
            }
            // Named by its id, not its token: the message is logged, and a token is as secret as a password.
            lockedRows.add(new BackendUnavailableException(
                    "the count of " + fix.table() + " row " + row.id() + " is not fixed: " + e.getMessage(), e));
        }
    }
}
