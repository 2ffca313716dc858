package dev.chatsystem.core.embedded;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Versions for the single writer's message writes (see {@link dev.chatsystem.core.spi.Write}), in the encoding of
 * the distributed form's stream entry ids: {@code ms * 1,000,000 + seq}, the millisecond the write was accepted and
 * a sequence within it, made strictly increasing. The writer alone orders its writes, so any increasing value would
 * do within one process; deriving it from the accept time keeps it increasing across restarts too (the store keeps
 * every message's version and refuses an edit that is not newer), and keeps it comparable with the versions the
 * distributed form gives the same store. They continue above the highest version in the store, so a clock set back
 * across a restart can never make an acknowledged edit older than what it replaces.
 *
 * <p>The times edits are stored with ({@link #editedAt}) come from here too, for the same reason: callers read the
 * clock before the writer puts their edits in order, maybe in the other order, and an edit ordered after another
 * must not be dated before it. Not thread-safe: the writer's thread only.
 */
final class WriteVersions {
    private static final long SEQUENCES_PER_MILLI = 1_000_000L;
    private long last;
    /** The earliest time an edit is dated with: just after every message write versioned so far. */
    private Instant editFloor;

    /** Versions above {@code highestStored}, the store's {@link dev.chatsystem.core.spi.ChatStore#maxMessageVersion}. */
    WriteVersions(long highestStored) {
        this.last = highestStored;
        // A version is never below its write's millisecond (an edit's: the time it is stored with), so whatever an
        // earlier run stored is dated before the millisecond after the highest version's.
        this.editFloor = Instant.ofEpochMilli(Math.floorDiv(highestStored, SEQUENCES_PER_MILLI) + 1);
    }

    /** The next version, for a message write dated {@code at}; an edit versioned later is dated after {@code at}. */
    long next(Instant at) {
        last = Math.max(last + 1, Math.multiplyExact(at.toEpochMilli(), SEQUENCES_PER_MILLI));
        Instant after = at.truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.MICROS);
        if (after.isAfter(editFloor)) {
            editFloor = after;
        }
        return last;
    }

    /**
     * The time to store an edit with whose caller read {@code at}: that, to the microsecond, unless a message write
     * versioned before it (in this run, or an earlier one) was dated as late; then just after that. Version the edit
     * with this time.
     */
    Instant editedAt(Instant at) {
        Instant truncated = at.truncatedTo(ChronoUnit.MICROS);
        return truncated.isBefore(editFloor) ? editFloor : truncated;
    }
}
