package dev.chatsystem.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.NothingAppliedException;
import dev.chatsystem.core.testing.InterceptedStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that fails a batch may have committed it all the same (its answer lost after the commit). The writer reads
 * it back: a committed batch is answered and indexed as any other, and the next write takes the next number; one that
 * did not commit uses up no number; one the store cannot tell about leaves the numbers to be read from the store again
 * and the index to be rebuilt.
 */
class FailedApplyTest {
    private static final String TOKEN = "failed-apply-token-0123456789ab";

    @TempDir
    Path dir;

    /** What the next {@code apply} does before failing; the methods failing besides it, by name. */
    private volatile Failure nextApply = Failure.NONE;

    private volatile Set<String> failingReads = Set.of();
    private final MissedWrites missed = MissedWrites.inMemory();
    private H2ChatStore h2;
    private LuceneSearchIndex index;
    private GroupCommitWritePath path;

    private enum Failure {
        NONE,
        NO_CONNECTION,
        BEFORE_COMMIT,
        AFTER_COMMIT
    }

    @BeforeEach
    void open() {
        h2 = H2ChatStore.open(dir.resolve("db"));
        index = LuceneSearchIndex.open(dir.resolve("index"));
        path = GroupCommitWritePath.start(
                failing(h2), index, new ReentrantLock(), missed, 100, 1, Duration.ofDays(1), WorkerListener.NONE);
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
    void aBatchThatCommittedBeforeItsFailureIsAnsweredAndIndexed() {
        nextApply = Failure.AFTER_COMMIT;
        assertThat(create("first")).isEqualTo(1);

        assertThat(create("second")).isEqualTo(2);
        assertThat(h2.message(TOKEN, 1, 1).orElseThrow().body()).isEqualTo("first");
        assertThat(h2.message(TOKEN, 1, 2).orElseThrow().body()).isEqualTo("second");
        path.awaitSearchable(TOKEN, 1);
        assertThat(index.search(TOKEN, 1, "first", 10)).containsExactly(1L);
        assertThat(missed.unrepaired()).isFalse();

        nextApply = Failure.AFTER_COMMIT;
        assertThat(path.createChat(TOKEN, Instant.now())).isEqualTo(2);
        assertThat(path.createChat(TOKEN, Instant.now())).isEqualTo(3);
    }

    @Test
    void aBatchThatDidNotCommitUsesUpNoNumber() {
        nextApply = Failure.BEFORE_COMMIT;
        assertThatThrownBy(() -> create("lost")).isInstanceOf(BackendUnavailableException.class);

        assertThat(create("kept")).isEqualTo(1);
        assertThat(h2.message(TOKEN, 1, 1).orElseThrow().body()).isEqualTo("kept");
        assertThat(missed.unrepaired()).isFalse();
    }

    /** A pool busy with reads: the writer does not wait on it again to read back what it knows was not stored. */
    @Test
    void aBatchThatGotNoConnectionFailsWithoutReadingBackOrMissingAnything() {
        nextApply = Failure.NO_CONNECTION;
        failingReads = Set.of("maxMessageVersion", "maxChatNumber", "maxMessageNumber");
        assertThatThrownBy(() -> create("refused")).isInstanceOf(BackendUnavailableException.class);
        failingReads = Set.of();

        assertThat(missed.unrepaired())
                .as("no index rebuild for a batch never stored")
                .isFalse();
        assertThat(create("kept")).isEqualTo(1);
    }

    @Test
    void anEditThatCommittedBeforeItsFailureIsAnswered() {
        create("before");
        nextApply = Failure.AFTER_COMMIT;

        path.editMessage(TOKEN, 1, 1, "after", Instant.now()); // answered: no 503

        assertThat(h2.message(TOKEN, 1, 1).orElseThrow().body()).isEqualTo("after");
        assertThat(missed.unrepaired()).isFalse();
    }

    /** The body it sets is there already (a retried edit): that does not tell whether it committed; its version does. */
    @Test
    void anEditThatDidNotCommitFailsEvenWhenItsBodyIsStoredAlready() {
        create("same");
        nextApply = Failure.BEFORE_COMMIT;

        assertThatThrownBy(() -> path.editMessage(TOKEN, 1, 1, "same", Instant.now()))
                .isInstanceOf(BackendUnavailableException.class);
    }

    @Test
    void aBatchTheStoreCannotTellAboutIsNumberedFromTheStoreAgainAndMissedByTheIndex() {
        nextApply = Failure.AFTER_COMMIT;
        failingReads = Set.of("maxMessageVersion");
        assertThatThrownBy(() -> create("unknown")).isInstanceOf(BackendUnavailableException.class);
        failingReads = Set.of();

        assertThat(create("next")).isEqualTo(2); // the first did commit: its number is not handed out again
        assertThat(h2.message(TOKEN, 1, 1).orElseThrow().body()).isEqualTo("unknown");
        assertThat(missed.unrepaired()).isTrue();
    }

    private long create(String body) {
        return path.createMessage(TOKEN, 1, body, Instant.now());
    }

    private ChatStore failing(ChatStore store) {
        return InterceptedStore.around(store, (method, args, real) -> {
            if (method.getName().equals("apply") && nextApply != Failure.NONE) {
                Failure failure = nextApply;
                nextApply = Failure.NONE;
                if (failure == Failure.NO_CONNECTION) {
                    throw new NothingAppliedException("store: no connection (on purpose)", null);
                }
                if (failure == Failure.AFTER_COMMIT) {
                    real.proceed();
                }
                throw new BackendUnavailableException("store: the answer was lost (on purpose)");
            }
            if (failingReads.contains(method.getName())) {
                throw new BackendUnavailableException("store: cannot read (on purpose)");
            }
            return real.proceed();
        });
    }
}
