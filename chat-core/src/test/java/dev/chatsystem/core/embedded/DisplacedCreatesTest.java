package dev.chatsystem.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Displaced;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.InterceptedStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

    private ChatStore displacing(ChatStore store) {
        return InterceptedStore.around(store, (method, args, real) -> {
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
}
