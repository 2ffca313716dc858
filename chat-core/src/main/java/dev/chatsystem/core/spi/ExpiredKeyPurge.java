package dev.chatsystem.core.spi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Purges idempotency records older than the retention every {@code period}, one chunk of {@link #CHUNK} per call, for
 * the thread that also does a write path's work (the embedded writer, the worker draining shard 0): one {@code DELETE}
 * of a whole period's keys (600,000 at 1,000 keyed creates a second) would hold that thread, and every write waiting
 * for it, for as long as the database takes, in one large transaction. A purge under way goes on at the next call.
 * Not thread-safe: one caller.
 */
public final class ExpiredKeyPurge {
    static final int CHUNK = 1_000;

    /**
     * Kept past the retention: a retry accepted just inside it may wait in the writer's queue while a purge starts,
     * and must still find its key's record when its turn comes.
     */
    static final Duration MARGIN = Duration.ofMinutes(1);

    private final ChatStore store;
    private final Duration retention;
    private final Duration period;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private long lastStart;
    /** Records made before this are being purged; null when no purge is under way. */
    private Instant purgingBefore;

    public ExpiredKeyPurge(ChatStore store, Duration retention, Duration period) {
        this(store, retention, period, Clock.systemUTC(), System::nanoTime);
    }

    ExpiredKeyPurge(ChatStore store, Duration retention, Duration period, Clock clock, LongSupplier nanoTime) {
        this.store = Objects.requireNonNull(store, "store");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.period = Objects.requireNonNull(period, "period");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.lastStart = nanoTime.getAsLong() - period.toNanos(); // due at once: a short-lived process purges too
    }

    /**
     * Deletes the next chunk if a purge is under way or due; returns how many records it deleted. A failure ends the
     * purge (the next one is due a period later) and is thrown.
     */
    public long step() {
        if (purgingBefore == null) {
            long now = nanoTime.getAsLong();
            if (now - lastStart < period.toNanos()) {
                return 0;
            }
            lastStart = now;
            purgingBefore = clock.instant().minus(retention).minus(MARGIN);
        }
        long deleted;
        try {
            deleted = store.purgeIdempotencyRecords(purgingBefore, CHUNK);
        } catch (RuntimeException e) {
            purgingBefore = null;
            throw e;
        }
        if (deleted < CHUNK) {
            purgingBefore = null;
        }
        return deleted;
    }
}
