package dev.chatsystem.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

    @Test
    void datesAnEditAfterEveryMessageWriteVersionedBeforeIt() {
        WriteVersions versions = new WriteVersions(0);
        versions.next(NOW); // a create
        assertThat(versions.editedAt(NOW.plusNanos(1))).isEqualTo(NOW.plus(1, ChronoUnit.MICROS));

        Instant first = versions.editedAt(NOW.plusMillis(1));
        versions.next(first);
        assertThat(first).isEqualTo(NOW.plusMillis(1));
        // Its request read the clock before the edit put in order ahead of it.
        assertThat(versions.editedAt(NOW.plusNanos(500_000))).isEqualTo(first.plus(1, ChronoUnit.MICROS));
    }

    @Test
    void datesEditsAfterWhatAnEarlierRunStoredWhenTheClockWasSetBackAcrossARestart() {
        WriteVersions afterRestart = new WriteVersions(NOW.toEpochMilli() * 1_000_000L + 7);

        // Anything the last run stored in that millisecond is dated before its end.
        assertThat(afterRestart.editedAt(NOW.minusSeconds(3_600))).isEqualTo(NOW.plusMillis(1));
        assertThat(afterRestart.editedAt(NOW.plusSeconds(1))).isEqualTo(NOW.plusSeconds(1));
    }
}
