package dev.chatsystem.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.NotFoundException;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.spi.Displaced;
import dev.chatsystem.core.spi.Idempotency;
import dev.chatsystem.core.spi.Write;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchNumberingTest {
    private static final Instant AT = Instant.parse("2026-11-22T00:00:00Z");
    private static final String TOKEN = "batch-numbering-token-0123456789";

    @TempDir
    Path dir;

    private H2ChatStore store;
    private final CommittedNumbers chats = new CommittedNumbers();
    private final CommittedNumbers messages = new CommittedNumbers();

    @BeforeEach
    void open() {
        store = H2ChatStore.open(dir);
        store.createApplication(TOKEN, "app", AT);
        store.apply(List.of(new Write.ChatCreated(TOKEN, 1, AT)));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void numbersContinueFromWhatCommittedAndABatchThatFailedConsumesNothing() {
        BatchNumbering failed = number(messages(3));
        // never committed(): the store refused the batch
        assertThat(chats.size() + messages.size()).isZero();

        BatchNumbering first = number(messages(3));
        assertThat(numbers(first, 3)).containsExactly(1L, 2L, 3L);
        store.apply(first.writes(), first.records());
        first.committed();

        BatchNumbering second = number(messages(2));
        assertThat(numbers(second, 2)).containsExactly(4L, 5L);
        assertThat(numbers(failed, 3)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void continuesFromTheStoreForParentsItHasNotSeen() {
        store.apply(List.of(
                new Write.MessageCreated(TOKEN, 1, 1, "written before this writer", AT, 1),
                new Write.ChatCreated(TOKEN, 2, AT)));

        BatchNumbering batch = number(List.of(
                PendingWrite.createMessage(TOKEN, 1, "next", AT, Optional.empty()),
                PendingWrite.createChat(TOKEN, AT, Optional.empty()),
                PendingWrite.createMessage(TOKEN, 3, "first in the new chat", AT, Optional.empty())));

        assertThat(numbers(batch, 3)).containsExactly(2L, 3L, 1L);
        batch.committed();
        assertThat(chats.get(TOKEN)).isEqualTo(3);
        assertThat(messages.get(TOKEN + "/3")).isEqualTo(1);
    }

    @Test
    void refusesMessagesForChatsThatDoNotExist() {
        PendingWrite unknownChat = PendingWrite.createMessage(TOKEN, 2, "x", AT, Optional.empty());
        PendingWrite unknownApplication =
                PendingWrite.createMessage("no-such-application-token-012345", 1, "x", AT, Optional.empty());
        BatchNumbering batch = number(List.of(unknownChat, unknownApplication));
        batch.complete(0, unknownChat);
        batch.complete(1, unknownApplication);

        assertThat(batch.writes()).isEmpty();
        assertThat(unknownChat.result()).isCompletedExceptionally();
        assertThat(unknownChat.result().exceptionNow()).isInstanceOf(NotFoundException.class);
        assertThat(unknownApplication.result().exceptionNow()).isInstanceOf(NotFoundException.class);
    }

    /** B's request read the clock after A's, but B reached the writer first: A is ordered last and wins. */
    @Test
    void anEditIsDatedWhereTheWriterPutsItInOrderNotByItsCallersClock() {
        store.apply(List.of(new Write.MessageCreated(TOKEN, 1, 1, "created", AT, 1)));
        PendingWrite b = PendingWrite.editMessage(TOKEN, 1, 1, "B", AT.plusMillis(1));
        PendingWrite a = PendingWrite.editMessage(TOKEN, 1, 1, "A", AT);

        BatchNumbering batch = number(List.of(b, a));
        batch.complete(0, b);
        batch.complete(1, a);

        Instant afterB = AT.plusMillis(1).plus(1, ChronoUnit.MICROS);
        assertThat(b.result().join().at()).isEqualTo(AT.plusMillis(1));
        assertThat(a.result().join().at()).isEqualTo(afterB);
        assertThat(batch.writes())
                .extracting(write -> ((Write.MessageEdited) write).at())
                .containsExactly(AT.plusMillis(1), afterB);
    }

    /** A retry answered from a create earlier in its batch is failed with it when the store displaces that create. */
    @Test
    void aReplayOfADisplacedCreateInItsBatchFailsWithIt() {
        Idempotency key = new Idempotency("messages:" + TOKEN + "/1", "key", "fingerprint", Duration.ofDays(1));
        PendingWrite create = PendingWrite.createMessage(TOKEN, 1, "x", AT, Optional.of(key));
        PendingWrite retry = PendingWrite.createMessage(TOKEN, 1, "x", AT, Optional.of(key));
        BatchNumbering batch = number(List.of(create, retry));

        batch.displaced(
                new Displaced(List.of((Write.MessageCreated) batch.writes().get(0)), List.of()));
        batch.complete(0, create);
        batch.complete(1, retry);

        assertThat(create.result().exceptionNow()).isInstanceOf(BackendUnavailableException.class);
        assertThat(retry.result()).as("not told the number another write holds").isCompletedExceptionally();
        assertThat(retry.result().exceptionNow()).isInstanceOf(BackendUnavailableException.class);
    }

    @Test
    void committedNumbersAreBoundedAndNeverLowered() {
        CommittedNumbers numbers = new CommittedNumbers();
        numbers.committed(Map.of("a", 5L));
        numbers.committed(Map.of("a", 3L));
        assertThat(numbers.get("a")).isEqualTo(5);

        IntStream.range(0, CommittedNumbers.MAX_ENTRIES + 10).forEach(i -> numbers.committed(Map.of("k" + i, 1L)));
        assertThat(numbers.size()).isEqualTo(CommittedNumbers.MAX_ENTRIES);
        assertThat(numbers.get("a")).isNull(); // the least recently used went first
    }

    private BatchNumbering number(List<PendingWrite> batch) {
        return new BatchNumbering(store, chats, messages, new WriteVersions(0), batch);
    }

    private static List<PendingWrite> messages(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> PendingWrite.createMessage(TOKEN, 1, "m" + i, AT, Optional.empty()))
                .toList();
    }

    private static List<Long> numbers(BatchNumbering batch, int count) {
        List<PendingWrite> probes = IntStream.range(0, count)
                .mapToObj(i -> PendingWrite.createMessage(TOKEN, 1, "probe", AT, Optional.empty()))
                .toList();
        return IntStream.range(0, count)
                .mapToObj(i -> {
                    batch.complete(i, probes.get(i));
                    return probes.get(i).result().join().number();
                })
                .toList();
    }
}
