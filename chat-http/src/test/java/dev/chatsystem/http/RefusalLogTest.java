package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.chatsystem.core.testing.MovableClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The server's own 503s under overload: a warning now and then that counts them, never a flood of stack traces. */
class RefusalLogTest {
    @Test
    void warnsOncePerPeriodCountingTheRefusalsBetweenAndNeverWithAStackTrace() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger logger = context.getLogger(RefusalLogTest.class.getName() + ".refusals");
        logger.setLevel(Level.DEBUG);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
        RefusalLog refusals = new RefusalLog(logger, clock);

        for (int i = 0; i < 1_000; i++) {
            refusals.refused("POST", "/messages", "the write queue is full");
        }
        clock.advance(RefusalLog.EVERY);
        refusals.refused("POST", "/messages", "the write queue is full");

        assertThat(events.list)
                .hasSize(1_001)
                .allSatisfy(event -> assertThat(event.getThrowableProxy()).isNull());
        assertThat(events.list)
                .filteredOn(event -> event.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly(
                        "refused POST /messages with 503: the write queue is full",
                        "refused POST /messages with 503: the write queue is full (and 999 more since the last"
                                + " warning of these)");
        logger.detachAppender(events);
    }
}
