package dev.chatsystem.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What a count reconciliation corrected. A run after a restore or a long outage may correct every count there is, so
 * only the first {@link #LISTED} corrections are kept; {@code corrected} counts them all.
 *
 * @param corrections the first corrected counts, in the order they were committed, with their old and new value
 * @param corrected how many counts were corrected in all, listed or not
 */
public record ReconcileReport(List<Correction> corrections, long corrected) {
    /** How many corrections a report lists at most. */
    public static final int LISTED = 1_000;

    public ReconcileReport {
        corrections = List.copyOf(corrections);
        if (corrections.size() > LISTED) {
            throw new IllegalArgumentException("a report lists at most " + LISTED + " corrections");
        }
        if (corrected < corrections.size()) {
            throw new IllegalArgumentException("corrected (" + corrected + ") is below the corrections listed");
        }
    }

    /** A report that lists every one of its {@code corrections}. */
    public ReconcileReport(List<Correction> corrections) {
        this(corrections, corrections.size());
    }

    /** Whether some corrections were counted but not listed. */
    public boolean truncated() {
        return corrected > corrections.size();
    }

    /**
     * One corrected count: an application's {@code chats_count} when {@code chatNumber} is 0, otherwise a chat's
     * {@code messages_count}.
     */
    public record Correction(String token, long chatNumber, long was, long now) {}

    /** Collects corrections as they commit, keeping the first {@link #LISTED}. Not thread-safe. */
    public static final class Tally {
        private final List<Correction> listed = new ArrayList<>();
        private long corrected;

        public void addAll(List<Correction> committed) {
            corrected += committed.size();
            int room = LISTED - listed.size();
            listed.addAll(committed.subList(0, Math.min(room, committed.size())));
        }

        public boolean isEmpty() {
            return corrected == 0;
        }

        public ReconcileReport report() {
            return new ReconcileReport(listed, corrected);
        }
    }
}
