package dev.chatsystem.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.Health;
import dev.chatsystem.core.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Backends are asked at once, and one that hangs is reported down at the deadline instead of holding the caller. */
class HealthChecksTest {
    private static final Duration DEADLINE = Duration.ofSeconds(1);

    private final CountDownLatch searchAnswers = new CountDownLatch(1);
    private final AtomicInteger searchAsked = new AtomicInteger();

    @AfterEach
    void release() {
        searchAnswers.countDown();
    }

    @Test
    void aHangingBackendIsDownAtTheDeadlineAndAskedOnceWhileItHangs() {
        HealthChecks checks = new HealthChecks(
                List.of(
                        new HealthChecks.Check("store", () -> BackendStatus.up("store", "h2")),
                        new HealthChecks.Check("search", this::slowSearch),
                        new HealthChecks.Check("writes", () -> BackendStatus.up("writes", "group-commit"))),
                DEADLINE);

        long started = System.nanoTime();
        Health first = checks.check();
        Health second = checks.check();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isLessThan(DEADLINE.multipliedBy(2).plusSeconds(1));
        assertThat(first.healthy()).isFalse();
        assertThat(first.backends())
                .extracting(BackendStatus::name, BackendStatus::up)
                .containsExactly(tuple("store", true), tuple("search", false), tuple("writes", true));
        assertThat(first.backends().get(1).detail()).contains("no answer within");
        assertThat(second.backends().get(1).up()).isFalse();
        assertThat(searchAsked).hasValue(1);

        searchAnswers.countDown(); // it answers at last: the next check has it
        Health after = checks.check();
        assertThat(after.healthy()).isTrue();
        assertThat(after.backends().get(1).kind()).isEqualTo("lucene");
    }

    /** For a caller that needs one backend's state: the others are not asked, and a hanging one still times out. */
    @Test
    void oneBackendIsAskedAloneWithinTheDeadline() {
        AtomicInteger storeAsked = new AtomicInteger();
        HealthChecks checks = new HealthChecks(
                List.of(
                        new HealthChecks.Check("store", () -> {
                            storeAsked.incrementAndGet();
                            return BackendStatus.up("store", "h2");
                        }),
                        new HealthChecks.Check("search", this::slowSearch)),
                DEADLINE);

        BackendStatus hanging = checks.check("search");
        searchAnswers.countDown();
        Await.until(() -> checks.check("search").up(), Duration.ofSeconds(5));

        assertThat(hanging.name()).isEqualTo("search");
        assertThat(hanging.detail()).contains("no answer within");
        assertThat(checks.check("search")).isEqualTo(BackendStatus.up("search", "lucene"));
        assertThat(storeAsked).hasValue(0);
    }

    /** A backend that said why it was down, then stopped answering: the timeout still says why, as it last did. */
    @Test
    void aTimeoutRepeatsWhyTheBackendWasDownLastTime() {
        AtomicInteger asked = new AtomicInteger();
        HealthChecks checks = new HealthChecks(
                List.of(new HealthChecks.Check("store", () -> {
                    if (asked.incrementAndGet() == 1) {
                        return BackendStatus.down("store", "mysql", "Access denied for user 'chat'");
                    }
                    return slowSearch();
                })),
                DEADLINE);

        assertThat(checks.check().backends().getFirst().detail()).isEqualTo("Access denied for user 'chat'");
        BackendStatus silent = checks.check().backends().getFirst();

        assertThat(silent.kind()).isEqualTo("mysql");
        assertThat(silent.detail()).contains("no answer within", "last answer: Access denied");
    }

    @Test
    void aCheckThatThrowsIsDownWithItsReason() {
        HealthChecks checks = new HealthChecks(
                List.of(new HealthChecks.Check("store", () -> {
                    throw new IllegalStateException("pool closed");
                })),
                DEADLINE);

        BackendStatus store = checks.check().backends().getFirst();

        assertThat(store.up()).isFalse();
        assertThat(store.name()).isEqualTo("store");
        assertThat(store.detail()).contains("pool closed");
    }

    private BackendStatus slowSearch() {
        searchAsked.incrementAndGet();
        try {
            searchAnswers.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return BackendStatus.up("search", "lucene");
    }
}
