package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private final StringWriter err = new StringWriter();
    private long now = 0;

    private Progress progress(boolean terminal) {
        return new Progress(new PrintWriter(err, true), terminal, () -> now);
    }

    @Test
    void plainLinesAppearAtEveryTenPercentNotAtEveryBatch() {
        Progress progress = progress(false);
        for (long done = 0; done <= 1_000; done += 10) {
            now += TimeUnit.MILLISECONDS.toNanos(10);
            progress.progress(done, 1_000);
        }

        assertThat(err.toString().lines()).hasSize(11);
        assertThat(err.toString().lines().toList().getLast()).startsWith("reindex: 1,000/1,000 messages (100%)");
        assertThat(err.toString().lines().toList().get(5))
                .startsWith("reindex: 500/1,000 messages (50%)")
                .contains("1,000 msg/s", "ETA 0:01");
    }

    @Test
    void plainLinesAlsoAppearEveryTwoSecondsOnASlowRun() {
        Progress progress = progress(false);
        progress.progress(0, 1_000_000);
        now += TimeUnit.SECONDS.toNanos(1);
        progress.progress(1, 1_000_000);
        now += TimeUnit.SECONDS.toNanos(2);
        progress.progress(2, 1_000_000);

        assertThat(err.toString().lines()).hasSize(2);
    }

    @Test
    void aTerminalGetsABarRedrawnInPlace() {
        Progress progress = progress(true);
        progress.progress(0, 100);
        now += TimeUnit.SECONDS.toNanos(1);
        progress.progress(50, 100);
        now += TimeUnit.SECONDS.toNanos(1);
        progress.progress(100, 100);
        progress.finish();

        assertThat(err.toString())
                .startsWith("\r[..............................] 0/100")
                .contains("\r[###############...............] 50/100 messages (50%), 50 msg/s, ETA 0:01")
                .endsWith("100/100 messages (100%), 50 msg/s, ETA 0:00" + System.lineSeparator());
    }
}
