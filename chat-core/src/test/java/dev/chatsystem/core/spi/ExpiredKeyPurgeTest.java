package dev.chatsystem.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendUnavailableException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The purge of expired keys goes a chunk per call, so the writer calling it never waits behind a whole purge. */
class ExpiredKeyPurgeTest {
    private static final Duration RETENTION = Duration.ofHours(24);
    private static final Duration PERIOD = Duration.ofMinutes(10);
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    private final AtomicLong nanos = new AtomicLong();
    private final List<Instant> calls = new ArrayList<>();
    private long expired;
    private boolean failing;

    @Test
    void purgesAChunkPerCallUntilNoneAreLeftThenWaitsForTheNextPeriod() {
        ExpiredKeyPurge purge = purge();
        expired = ExpiredKeyPurge.CHUNK * 2L + 5;

        assertThat(purge.step())
                .as("due at once: a process restarted more often than the period purges too")
                .isEqualTo(ExpiredKeyPurge.CHUNK);
        assertThat(purge.step()).isEqualTo(ExpiredKeyPurge.CHUNK); // under way: goes on without waiting a period
        assertThat(purge.step()).isEqualTo(5);
        assertThat(purge.step())
                .as("done: the next purge is a period after this one began")
                .isZero();
        assertThat(calls)
                .as("a margin past the retention, for retries still queued")
                .hasSize(3)
                .containsOnly(NOW.minus(RETENTION).minus(ExpiredKeyPurge.MARGIN));

        expired = 1;
        nanos.addAndGet(PERIOD.toNanos());
        assertThat(purge.step()).isEqualTo(1);
        assertThat(calls).hasSize(4);
    }

    @Test
    void aFailedChunkEndsThePurgeUntilTheNextPeriod() {
        ExpiredKeyPurge purge = purge();
        expired = ExpiredKeyPurge.CHUNK * 3L;
        nanos.addAndGet(PERIOD.toNanos());
        assertThat(purge.step()).isEqualTo(ExpiredKeyPurge.CHUNK);

        failing = true;
        assertThatThrownBy(purge::step).isInstanceOf(BackendUnavailableException.class);
        failing = false;
        assertThat(purge.step()).isZero();

        nanos.addAndGet(PERIOD.toNanos());
        assertThat(purge.step()).isEqualTo(ExpiredKeyPurge.CHUNK);
    }

    private ExpiredKeyPurge purge() {
        return new ExpiredKeyPurge(store(), RETENTION, PERIOD, Clock.fixed(NOW, ZoneOffset.UTC), nanos::get);
    }

    /** A store that only purges: {@link #expired} records, at most the limit per call. */
    private ChatStore store() {
        return (ChatStore) Proxy.newProxyInstance(
                ChatStore.class.getClassLoader(), new Class<?>[] {ChatStore.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("purgeIdempotencyRecords")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    if (failing) {
                        throw new BackendUnavailableException("database down");
                    }
                    calls.add((Instant) args[0]);
                    long deleted = Math.min(expired, (int) args[1]);
                    expired -= deleted;
                    return deleted;
                });
    }
}
