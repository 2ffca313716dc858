package dev.chatsystem.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class WriteVersionsTest {
    private static final Instant NOW = Instant.parse("2026-11-22T08:00:00Z");

    @Test
    void followsTheAcceptTimeStrictlyIncreasing() {
        WriteVersions versions = new WriteVersions(0);
        long first = versions.next(NOW);
        assertThat(first).isEqualTo(NOW.toEpochMilli() * 1_000_000L);
        assertThat(versions.next(NOW)).isEqualTo(first + 1);
        assertThat(versions.next(NOW.minusSeconds(1))).isEqualTo(first + 2);
    }

    @Test
    void continuesAboveTheStoreWhenTheClockWasSetBackAcrossARestart() {
        long storedByTheLastRun = NOW.toEpochMilli() * 1_000_000L + 7;
        WriteVersions afterRestart = new WriteVersions(storedByTheLastRun);

        assertThat(afterRestart.next(NOW.minusSeconds(3_600))).isEqualTo(storedByTheLastRun + 1);
    }
}
