package dev.chatsystem.core.embedded;

import java.time.Instant;

/**
 * Versions for the single writer's message writes (see {@link dev.chatsystem.core.spi.Write}), in the encoding of
 * the distributed form's stream entry ids: {@code ms * 1,000,000 + seq}, the millisecond the write was accepted and
 * a sequence within it, made strictly increasing. The writer alone orders its writes, so any increasing value would
 * do within one process; deriving it from the accept time keeps it increasing across restarts too (the store keeps
 * every message's version and refuses an edit that is not newer) as long as the clock is not set back, and keeps it
 * comparable with the versions the distributed form gives the same store. Not thread-safe: the writer's thread only.
 */
final class WriteVersions {
    private static final long SEQUENCES_PER_MILLI = 1_000_000L;
    private long last;

    /** The next version, for a write accepted at {@code at}. */
    long next(Instant at) {
        last = Math.max(last + 1, Math.multiplyExact(at.toEpochMilli(), SEQUENCES_PER_MILLI));
        return last;
    }
}
