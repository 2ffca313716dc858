package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Edited;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.InterceptedStore;
import dev.chatsystem.core.testing.RedisDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * An edit of a message already stored (its create no longer pending) is read back from Redis alone: its pending value
 * carries the creation time, so neither the edit's answer nor a later read needs MySQL. And it is dated where the
 * script puts it in order, never before the message's creation or an edit of it ordered before.
 */
class PendingEditsTest {
    private static final Instant CREATED = Instant.now().truncatedTo(ChronoUnit.MICROS);
    private static final Instant EDITED = CREATED.plusSeconds(1);
    private static final String TOKEN = "t" + System.nanoTime();

    @RegisterExtension
    final RedisDatabase redis = new RedisDatabase(3); // a database of its own, flushed around each test

    @TempDir
    Path dataDir;

    private final AtomicBoolean storeDown = new AtomicBoolean();
    private H2ChatStore store;
    private RedisBackend backend;
    private RedisWritePath writes;

    @BeforeEach
    void setUp() {
        store = H2ChatStore.open(dataDir);
        store.createApplication(TOKEN, "app", CREATED);
        store.apply(List.of(
                new Write.ChatCreated(TOKEN, 1, CREATED), new Write.MessageCreated(TOKEN, 1, 1, "stored", CREATED, 1)));
        backend = RedisBackend.connect(redis.url(), 4, failingWhenDown(store));
        writes = (RedisWritePath) backend.writePath();
    }

    @AfterEach
    void tearDown() {
        backend.close();
        store.close();
    }

    @Test
    void anEditOfAStoredMessageIsReadWithItsCreationTimeWhileTheStoreIsDown() {
        writes.editMessage(TOKEN, 1, 1, "edited", EDITED);

        storeDown.set(true); // MySQL goes away after the edit was accepted
        Message edited = new Message(1, 1, "edited", CREATED, EDITED);
        assertThat(writes.pendingMessage(TOKEN, 1, 1)).hasValue(edited);
        assertThat(writes.pendingMessages(TOKEN, 1, 0, 10)).containsExactly(edited);
        assertThat(writes.pendingMessages(TOKEN, 1, List.of(1L))).containsEntry(1L, edited);
    }

    @Test
    void anEditTheStoreCannotDateIsRefusedBeforeItIsQueued() {
        writes.lastMessageNumber(TOKEN, 1); // the counters, seeded while the store answers
        storeDown.set(true);

        assertThatThrownBy(() -> writes.editMessage(TOKEN, 1, 1, "edited", EDITED))
                .isInstanceOf(BackendUnavailableException.class);
        assertThat(writes.pendingMessage(TOKEN, 1, 1)).isEmpty(); // nothing queued: the 503 is the whole truth
    }

    @Test
    void aSecondEditKeepsTheCreationTimeOfTheFirst() {
        writes.editMessage(TOKEN, 1, 1, "first edit", EDITED);
        storeDown.set(true);

        writes.editMessage(TOKEN, 1, 1, "second edit", EDITED.plusSeconds(1)); // the pending value dates it

        assertThat(writes.pendingMessage(TOKEN, 1, 1))
                .hasValue(new Message(1, 1, "second edit", CREATED, EDITED.plusSeconds(1)));
    }

    /**
     * B's request read the clock after A's, but its script ran first: A is ordered last, its body wins, and it is
     * dated after B in its answer, its pending value and the stream entry the workers store.
     */
    @Test
    void anEditIsDatedAfterTheEditOrderedBeforeItWhateverClockItRead() {
        Instant bAt = EDITED.plusMillis(1);
        assertThat(writes.editMessage(TOKEN, 1, 1, "B", bAt)).isEqualTo(new Edited(bAt, Optional.of(CREATED)));
        Instant afterB = bAt.plus(1, ChronoUnit.MICROS);

        assertThat(writes.editMessage(TOKEN, 1, 1, "A", EDITED)).isEqualTo(new Edited(afterB, Optional.of(CREATED)));

        assertThat(writes.pendingMessage(TOKEN, 1, 1)).hasValue(new Message(1, 1, "A", CREATED, afterB));
        List<StreamEntry> entries =
                redis.client().xrange(new RedisKeys(4).stream(TOKEN), (StreamEntryID) null, (StreamEntryID) null);
        assertThat(entries)
                .extracting(entry -> entry.getFields().get("a"))
                .containsExactly(RedisCalls.micros(bAt), RedisCalls.micros(afterB));
    }

    /** An edit already stored, its pending value gone, dated ahead (by a server whose clock is ahead). */
    @Test
    void anEditIsDatedAfterAnEditAlreadyStored() {
        Instant ahead = EDITED.plusSeconds(30);
        store.apply(List.of(new Write.MessageEdited(TOKEN, 1, 1, "stored edit", ahead, 2)));

        assertThat(writes.editMessage(TOKEN, 1, 1, "edited", EDITED).updatedAt())
                .isEqualTo(ahead.plus(1, ChronoUnit.MICROS));
    }

    /** A server whose clock is behind the one that created the message. */
    @Test
    void anEditIsDatedAfterTheMessagesCreation() {
        Instant after = CREATED.plus(1, ChronoUnit.MICROS);

        assertThat(writes.editMessage(TOKEN, 1, 1, "edited", CREATED.minusSeconds(5)))
                .isEqualTo(new Edited(after, Optional.of(CREATED)));
        assertThat(writes.pendingMessage(TOKEN, 1, 1)).hasValue(new Message(1, 1, "edited", CREATED, after));
    }

    /** The store, failing every call while {@link #storeDown} is set, as MySQL unreachable would. */
    private ChatStore failingWhenDown(ChatStore delegate) {
        return InterceptedStore.around(delegate, (method, args, real) -> {
            if (storeDown.get()) {
                throw new BackendUnavailableException("mysql store: Communications link failure");
            }
            return real.proceed();
        });
    }
}
