package dev.chatsystem.core.embedded;

import java.time.Instant;

/**
 * Versions for the single writer's message writes (see {@link dev.chatsystem.core.spi.Write}), in the encoding of
 * the distributed form's stream entry ids: {@code ms * 1,000,000 + seq}, the millisecond the write was accepted and
 * a sequence within it, made strictly increasing. The writer alone orders its writes, so any increasing value would
 * do within one process; deriving it from the accept time keeps it increasing across restarts too (the store keeps
 * every message's version and refuses an edit that is not newer), and keeps it comparable with the versions the
 * distributed form gives the same store. They continue above the highest version in the store, so a clock set back
 * across a restart can never make an acknowledged edit older than what it replaces. Not thread-safe: the writer's
 * thread only.
 */
final class WriteVersions {
    private static final long SEQUENCES_PER_MILLI = 1_000_000L;
    private long last;

    /** Versions above {@code highestStored}, the store's {@link dev.chatsystem.core.spi.ChatStore#maxMessageVersion}. */
    WriteVersions(long highestStored) {
        this.last = highestStored;
    }

    /** The next version, for a write accepted at {@code at}. */
    long next(Instant at) {
        last = Math.max(last + 1, Math.multiplyExact(at.toEpochMilli(), SEQUENCES_PER_MILLI));
        return last;
    }
}
