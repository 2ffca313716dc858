package dev.chatsystem.http;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * Logs the 503s the server decides on itself (a full write queue, a shutdown) as one line without a stack trace, a
 * warning at most once every {@link #EVERY} that counts those since, the others at debug. Under overload they come by
 * the thousand a second, all alike: one warning each (with a trace that only says where the refusal was thrown) hid
 * everything else in the log. The request meters count every one of them.
 */
final class RefusalLog {
    static final Duration EVERY = Duration.ofSeconds(10);

    private final Logger log;
    private final Clock clock;
    private final AtomicLong nextWarningMillis = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder unreported = new LongAdder();

    RefusalLog(Logger log, Clock clock) {
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code route} is the request's route template ({@link LoggedRoute}), never its path, which holds a token. */
    void refused(String method, String route, String reason) {
        long now = clock.millis();
        long next = nextWarningMillis.get();
        if (now >= next && nextWarningMillis.compareAndSet(next, now + EVERY.toMillis())) {
            long since = unreported.sumThenReset();
            log.warn(
                    "refused {} {} with 503: {}{}",
                    method,
                    route,
                    reason,
                    since == 0 ? "" : " (and " + since + " more since the last warning of these)");
        } else {
            unreported.increment();
            log.debug("refused {} {} with 503: {}", method, route, reason);
        }
    }
}
