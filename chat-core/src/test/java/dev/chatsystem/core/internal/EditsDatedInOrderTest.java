package dev.chatsystem.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.PageRequest;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.redis.RedisBackend;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.MovableClock;
import dev.chatsystem.core.testing.RedisDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edit is dated where it is put in order, not when its request read the clock: two edits of a message whose
 * requests read the clock in the other order than they are put in never make the message's updated_at go back, and
 * each edit answers the time it is stored with. On both forms, over the real H2 store and Redis.
 */
class EditsDatedInOrderTest {
    private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(1);

    @RegisterExtension
    final RedisDatabase redis = new RedisDatabase(3); // shared with PendingEditsTest, flushed around each test

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock(T.minusSeconds(1));

    @Test
    void embedded() {
        try (ChatSystem chats = ChatSystems.open(ChatConfig.embedded(dir), clock)) {
            editsReadingTheClockInTheOtherOrder(
                    chats, chats.createApplication("app").token());
        }
    }

    /** Answered from the pending state in Redis first, then from the store once the workers persisted the edits. */
    @Test
    void distributed() throws Exception {
        try (H2ChatStore store = H2ChatStore.open(dir.resolve("db"));
                LuceneSearchIndex index = LuceneSearchIndex.open(dir.resolve("index"));
                RedisBackend backend = RedisBackend.connect(redis.url(), 4, store);
                ChatSystem chats = new DefaultChatSystem(
                        new Backends(
                                store,
                                index,
                                backend.numbering(),
                                backend.writePath(),
                                new ObservedReconciler(store, WorkerListener.NONE),
                                new ReentrantLock(),
                                backend.jobLock("edits-dated-in-order"),
                                List.of()), // the resources above close themselves
                        clock,
                        RETENTION)) {
            String token = chats.createApplication("app").token();
            Message last = editsReadingTheClockInTheOtherOrder(chats, token);

            try (AutoCloseable workers =
                    backend.startWorkers(store, index, 100, "edits-dated-in-order", RETENTION, WorkerListener.NONE)) {
                Await.until(
                        () -> backend.writePath().pendingMessage(token, 1, 1).isEmpty(), Duration.ofSeconds(30));
            }
            assertThat(store.message(token, 1, 1)).hasValue(last);
            assertThat(chats.message(token, 1, 1)).isEqualTo(last);
        }
    }

    /**
     * Edit A's request reads the clock first, edit B's a millisecond later, but B is put in order first (A waited on
     * a read, or reached the writer's queue second): A's body wins, and must not be dated before B's, which its client
     * was already answered. Returns A's answer.
     */
    private Message editsReadingTheClockInTheOtherOrder(ChatSystem chats, String token) {
        chats.createChat(token);
        chats.createMessage(token, 1, "created");
        clock.advance(Duration.ofSeconds(1).plusMillis(1));
        Message b = chats.editMessage(token, 1, 1, "B");
        clock.advance(Duration.ofMillis(-1));
        Message a = chats.editMessage(token, 1, 1, "A");

        assertThat(b.updatedAt()).isEqualTo(T.plusMillis(1));
        assertThat(a.body()).isEqualTo("A");
        assertThat(a.updatedAt()).isAfter(b.updatedAt());
        assertThat(chats.message(token, 1, 1)).isEqualTo(a);
        assertThat(chats.listMessages(token, 1, new PageRequest(0, 10)).items()).containsExactly(a);
        return a;
    }
}
