package dev.chatsystem.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.jdbc.BatchPlan.ChatKey;
import dev.chatsystem.core.jdbc.BatchPlan.MessageKey;
import dev.chatsystem.core.spi.Write;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Telling a create delivered again from another create given a number the store holds. */
class BatchPlanTest {
    private static final Instant AT = Instant.now().truncatedTo(ChronoUnit.MICROS);
    private static final ChatKey CHAT = new ChatKey(7, 1);
    private static final MessageKey MESSAGE = new MessageKey(CHAT, 3);
    private static final long STORED_ID = 42;

    @Test
    void aCreateDeliveredAgainIsNotDisplaced() {
        assertThat(plan(messageCreated(100), 100).displaced().isEmpty()).isTrue();
        assertThat(plan(messageCreated(100), 250).displaced().isEmpty())
                .as("the stored row was edited since")
                .isTrue();
    }

    @Test
    void aNewerCreateOfAStoredNumberIsDisplaced() {
        Write.MessageCreated newer = messageCreated(300);

        BatchPlan plan = plan(newer, 250);

        assertThat(plan.displaced().messages()).containsExactly(newer);
        assertThat(plan.newMessages).isEmpty();
    }

    @Test
    void aRowStoredBeforeVersionsTellsNothing() {
        assertThat(plan(messageCreated(300), 0).displaced().isEmpty()).isTrue();
    }

    @Test
    void aChatCreatedAtAnotherTimeIsDisplacedAndOneDeliveredAgainIsNot() {
        Write.ChatCreated again = new Write.ChatCreated("tok", 1, AT);
        Write.ChatCreated other = new Write.ChatCreated("tok", 1, AT.plusMillis(5));
        BatchPlan.Stored stored = new BatchPlan.Stored(Map.of(), Map.of(CHAT, Rows.micros(AT)));

        assertThat(BatchPlan.of(List.of(again), Map.of("tok", 7L), Set.of(CHAT), Map.of(), stored)
                        .displaced()
                        .isEmpty())
                .isTrue();
        assertThat(BatchPlan.of(List.of(other), Map.of("tok", 7L), Set.of(CHAT), Map.of(), stored)
                        .displaced()
                        .chats())
                .containsExactly(other);
    }

    private static Write.MessageCreated messageCreated(long version) {
        return new Write.MessageCreated("tok", 1, 3, "body", AT, version);
    }

    private static BatchPlan plan(Write.MessageCreated created, long storedVersion) {
        return BatchPlan.of(
                List.of(created),
                Map.of("tok", 7L),
                Set.of(CHAT),
                Map.of(MESSAGE, STORED_ID),
                new BatchPlan.Stored(Map.of(STORED_ID, storedVersion), Map.of()));
    }
}
