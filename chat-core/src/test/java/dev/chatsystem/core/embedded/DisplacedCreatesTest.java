package dev.chatsystem.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.Accepted;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Displaced;
import dev.chatsystem.core.spi.Idempotency;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.InterceptedStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A create the store leaves out because its number holds another write: the writer, which numbers from what it
 * committed, should never meet one, but if it does the caller is failed, not told a number that names another message.
 */
class DisplacedCreatesTest {
    private static final String TOKEN = "displaced-creates-token-0123456";

    @TempDir
    Path dir;

    /** Whether the store reports the creates of its next batch as displaced (after applying it as usual). */
    private volatile boolean displaceNext;

    /** Whether another message is stored under the number of the next batch's message create just before it. */
    private volatile boolean plantNext;

    private H2ChatStore h2;
    private LuceneSearchIndex index;
    private GroupCommitWritePath path;

    @BeforeEach
    void open() {
        h2 = H2ChatStore.open(dir.resolve("db"));
        index = LuceneSearchIndex.open(dir.resolve("index"));
        path = GroupCommitWritePath.start(
                displacing(h2),
                index,
                new ReentrantLock(),
                MissedWrites.inMemory(),
                100,
                1,
                Duration.ofDays(1),
                WorkerListener.NONE);
        h2.createApplication(TOKEN, "app", Instant.now());
        path.createChat(TOKEN, Instant.now());
    }

    @AfterEach
    void close() {
        path.close();
        index.close();
        h2.close();
    }

    @Test
    void aDisplacedMessageCreateFailsItsCallerAndIsNotIndexed() {
        displaceNext = true;
        assertThatThrownBy(() -> path.createMessage(TOKEN, 1, "displaced", Instant.now()))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("message 1 of chat 1");

        assertThat(path.createMessage(TOKEN, 1, "next", Instant.now())).isEqualTo(2);
        path.awaitSearchable(TOKEN, 1);
        assertThat(index.search(TOKEN, 1, "displaced", 10))
                .as("its body would replace the stored message's")
                .isEmpty();
        assertThat(index.search(TOKEN, 1, "next", 10)).containsExactly(2L);
    }

    @Test
    void aDisplacedChatCreateFailsItsCaller() {
        displaceNext = true;
        assertThatThrownBy(() -> path.createChat(TOKEN, Instant.now()))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("chat 2");
    }

    /**
     * The store displaces a keyed create for real (another message holds its number) and keeps no record of its key,
     * so the retry is created again rather than told the number that names the other message.
     */
    @Test
    void aRetryOfADisplacedKeyedCreateIsNotToldItsNumber() {
        Optional<Idempotency> key = Optional.of(
                new Idempotency("messages:" + TOKEN + "/1", "retried-key", "fingerprint", Duration.ofDays(1)));
        plantNext = true;
        assertThatThrownBy(() -> path.createMessage(TOKEN, 1, "displaced", Instant.now(), key))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("message 1 of chat 1");

        Accepted retry = path.createMessage(TOKEN, 1, "displaced", Instant.now(), key);

        assertThat(retry.replayed()).isFalse();
        assertThat(retry.number()).isEqualTo(2);
        assertThat(h2.message(TOKEN, 1, 1).orElseThrow().body()).isEqualTo("planted");
        assertThat(path.createMessage(TOKEN, 1, "displaced", Instant.now(), key))
                .as("the retry's own record")
                .extracting(Accepted::number, Accepted::replayed)
                .containsExactly(2L, true);
    }

    private ChatStore displacing(ChatStore store) {
        return InterceptedStore.around(store, (method, args, real) -> {
            if (method.getName().equals("apply") && plantNext) {
                plantNext = false;
                plant(store, args);
            }
            Object result = real.proceed();
            if (method.getName().equals("apply") && displaceNext) {
                displaceNext = false;
                @SuppressWarnings("unchecked")
                List<Write> writes = (List<Write>) args[0];
                return new Displaced(
                        writes.stream()
                                .filter(w -> w instanceof Write.MessageCreated)
                                .map(w -> (Write.MessageCreated) w)
                                .toList(),
                        writes.stream()
                                .filter(w -> w instanceof Write.ChatCreated)
                                .map(w -> (Write.ChatCreated) w)
                                .toList());
            }
            return result;
        });
    }

    /** Stores, before the batch, another message under the number of the batch's first message create. */
    private static void plant(ChatStore store, Object[] args) {
        @SuppressWarnings("unchecked")
        List<Write> writes = (List<Write>) args[0];
        Write.MessageCreated create = writes.stream()
                .filter(w -> w instanceof Write.MessageCreated)
                .map(w -> (Write.MessageCreated) w)
                .findFirst()
                .orElseThrow();
        store.apply(List.of(new Write.MessageCreated(
                create.token(),
                create.chatNumber(),
                create.messageNumber(),
                "planted",
                create.at().minusSeconds(60),
                create.version() - 1)));
    }
}
