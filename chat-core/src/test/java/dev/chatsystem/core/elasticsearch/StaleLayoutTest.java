package dev.chatsystem.core.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.testing.MovableClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StaleLayoutTest {
    private final MovableClock clock = new MovableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final AtomicReference<Optional<String>> mapping = new AtomicReference<>(Optional.empty());
    private final AtomicReference<IOException> failure = new AtomicReference<>();
    private final StaleLayout layout = new StaleLayout(
            () -> {
                if (failure.get() != null) {
                    throw failure.get();
                }
                return mapping.get();
            },
            clock);

    @Test
    void aFailedRecheckKeepsTheWarning() {
        layout.found(Optional.of("1"));
        failure.set(new IOException("the mapping cannot be read now"));

        clock.advance(StaleLayout.RECHECK_EVERY);

        assertThat(layout.older()).contains("1");
    }

    @Test
    void aRecheckFindsTheCurrentLayoutOnceDue() {
        layout.found(Optional.empty());
        mapping.set(Optional.of(MessageDocuments.LAYOUT));

        clock.advance(StaleLayout.RECHECK_EVERY.minusSeconds(1));
        assertThat(layout.older()).contains(StaleLayout.NONE_RECORDED);
        clock.advance(Duration.ofSeconds(1));
        assertThat(layout.older()).isEmpty();
    }
}
