package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.Message;
import dev.chatsystem.core.testing.Await;
import io.javalin.http.HttpResponseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The memory budget of message bodies in requests and responses: reserve the worst case, keep what was loaded. */
class BodyBudgetTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aRequestReservesItsWorstCaseThenKeepsWhatItsBodiesTakeAndGivesItAllBack() {
        BodyBudget budget = new BodyBudget(20_000, Duration.ofMillis(10));

        try (BodyBudget.Reservation reserved = budget.reserve(100)) {
            assertThat(budget.availableKib()).isEqualTo(20_000 - (100 * BodyBudget.WORST_KIB_PER_MESSAGE + 1));

            reserved.keep(List.of(message("x".repeat(10_240)), message("short")));

            // 20 KiB for 10,240 characters at two bytes each, one for the short one, and their overheads.
            assertThat(20_000 - budget.availableKib()).isBetween(22, 26);
        }
        assertThat(budget.availableKib()).isEqualTo(20_000);
    }

    @Test
    void noRequestReservesMoreThanHalfTheBudgetSoTwoLargeOnesProceedTogether() {
        BodyBudget budget = new BodyBudget(1_000, Duration.ofMillis(50));

        try (BodyBudget.Reservation first = budget.reserve(1_000);
                BodyBudget.Reservation second = budget.reserve(1_000)) {
            assertThat(budget.availableKib()).isZero();
            assertThatThrownBy(() -> budget.reserve(1))
                    .isInstanceOfSatisfying(
                            HttpResponseException.class,
                            e -> assertThat(e.getStatus()).isEqualTo(503));
        }
        assertThat(budget.availableKib()).isEqualTo(1_000);
    }

    @Test
    void aRequestBodyReservesItsBytesAndTheirTextUpToHalfTheBudget() {
        BodyBudget budget = new BodyBudget(1_000, Duration.ofMillis(50));

        try (BodyBudget.Reservation small = budget.tryReserveRequestBody(10_240).orElseThrow()) {
            assertThat(budget.availableKib()).isEqualTo(1_000 - 31); // 10 KiB of bytes, 20 of text, 1 for the rest
            try (BodyBudget.Reservation large =
                    budget.tryReserveRequestBody(ChatServer.MAX_REQUEST_SIZE).orElseThrow()) {
                assertThat(budget.availableKib()).isEqualTo(1_000 - 31 - 500);
                assertThat(budget.tryReserveRequestBody(1_000_000)).isEmpty();
            }
        }
        assertThat(budget.availableKib()).isEqualTo(1_000);
    }

    @Test
    void aWaitingRequestProceedsOnceRoomIsGivenBack() throws Exception {
        BodyBudget budget = new BodyBudget(1_000, Duration.ofSeconds(10));
        BodyBudget.Reservation first = budget.reserve(1_000);
        BodyBudget.Reservation second = budget.reserve(1_000);

        CompletableFuture<Integer> third = Await.blockedInCall(
                () -> {
                    try (BodyBudget.Reservation reserved = budget.reserve(5)) {
                        return 1_000 - budget.availableKib();
                    }
                },
                Duration.ofSeconds(10));
        assertThat(third).isNotDone();
        first.close();

        assertThat(third.get(5, TimeUnit.SECONDS)).isEqualTo(500 + 5 * BodyBudget.WORST_KIB_PER_MESSAGE + 1);
        second.close();
        assertThat(budget.availableKib()).isEqualTo(1_000);
    }

    private static Message message(String body) {
        return new Message(1, 1, body, AT, AT);
    }
}
