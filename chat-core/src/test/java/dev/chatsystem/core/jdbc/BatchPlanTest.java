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

/**
 * Telling a create delivered again from another create given a number the store holds or an earlier write of the
 * batch creates; what edits of one message
 * meeting in a batch leave.
 */
class BatchPlanTest {
    private static final Instant AT = Instant.now().truncatedTo(ChronoUnit.MICROS);
    private static final ChatKey CHAT = new ChatKey(7, 1);
    private static final MessageKey MESSAGE = new MessageKey(CHAT, 3);
    private static final long STORED_ID = 42;

    @Test
    void aCreateDeliveredAgainIsNotDisplacedEvenAfterAnEditOfItsRow() {
        assertThat(plan(messageCreated(AT), AT).displaced().isEmpty()).isTrue();
    }

    @Test
    void aCreateOfAStoredNumberMadeAtAnotherTimeIsDisplaced() {
        Write.MessageCreated other = messageCreated(AT.plusMillis(3));

        BatchPlan plan = plan(other, AT);

        assertThat(plan.displaced().messages()).containsExactly(other);
        assertThat(plan.newMessages).isEmpty();
    }

    @Test
    void anOlderCreateLandingOnANewerRowIsDisplacedToo() { // a clock behind after a failover
        assertThat(plan(messageCreated(AT.minusSeconds(2)), AT).displaced().messages())
                .hasSize(1);
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

    @Test
    void aSecondCreateOfANumberInOneBatchIsDisplacedUnlessItIsTheFirstDeliveredAgain() {
        Write.MessageCreated first = messageCreated(AT);
        Write.MessageCreated other = new Write.MessageCreated("tok", 1, 3, "other body", AT.plusMillis(2), 101);

        BatchPlan plan = BatchPlan.of(List.of(first, first, other), Map.of("tok", 7L), Set.of(CHAT), Map.of());

        assertThat(plan.newMessages).containsOnlyKeys(MESSAGE);
        assertThat(plan.newMessages.get(MESSAGE).body()).isEqualTo("body");
        assertThat(plan.displaced().messages()).containsExactly(other);
    }

    @Test
    void aSecondCreateOfAChatInOneBatchIsDisplacedUnlessItIsTheFirstDeliveredAgain() {
        Write.ChatCreated first = new Write.ChatCreated("tok", 1, AT);
        Write.ChatCreated other = new Write.ChatCreated("tok", 1, AT.plusMillis(5));

        BatchPlan plan = BatchPlan.of(List.of(first, first, other), Map.of("tok", 7L), Set.of(), Map.of());

        assertThat(plan.newChats).containsExactly(Map.entry(CHAT, AT));
        assertThat(plan.displaced().chats()).containsExactly(other);
        assertThat(plan.displaced().messages()).isEmpty();
    }

    @Test
    void editsOfAMessageMeetingInABatchKeepTheNewestBodyAtTheLatestTime() {
        Instant ahead = AT.plusSeconds(5); // the edit ordered first, dated by a server whose clock is ahead
        List<Write> edits = List.of(
                new Write.MessageEdited("tok", 1, 3, "ordered last", AT, 201),
                new Write.MessageEdited("tok", 1, 3, "ordered first", ahead, 200));

        BatchPlan plan = BatchPlan.of(edits, Map.of("tok", 7L), Set.of(CHAT), Map.of(MESSAGE, STORED_ID));

        assertThat(plan.edits)
                .containsExactly(Map.entry(MESSAGE, new BatchPlan.Edit(STORED_ID, "ordered last", ahead, 201)));
    }

    private static Write.MessageCreated messageCreated(Instant at) {
        return new Write.MessageCreated("tok", 1, 3, "body", at, 100);
    }

    private static BatchPlan plan(Write.MessageCreated created, Instant storedCreatedAt) {
        return BatchPlan.of(
                List.of(created),
                Map.of("tok", 7L),
                Set.of(CHAT),
                Map.of(MESSAGE, STORED_ID),
                new BatchPlan.Stored(Map.of(STORED_ID, Rows.micros(storedCreatedAt)), Map.of()));
    }
}
