package dev.chatsystem.core.embedded;

import dev.chatsystem.core.spi.JobLease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** Leases held in memory: the embedded default is the only process on its data, so it only needs to pace itself. */
public final class LocalJobLease implements JobLease {
    private final Clock clock;
    private final Map<String, Instant> heldUntil = new HashMap<>();

    public LocalJobLease(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized boolean tryAcquire(String job, Duration period) {
        Instant now = clock.instant();
        Instant until = heldUntil.get(job);
        if (until != null && now.isBefore(until)) {
            return false;
        }
        heldUntil.put(job, now.plus(period));
        return true;
    }
}
