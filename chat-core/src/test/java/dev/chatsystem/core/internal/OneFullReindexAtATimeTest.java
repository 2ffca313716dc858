package dev.chatsystem.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ConflictException;
import dev.chatsystem.core.ReindexListener;
import dev.chatsystem.core.ReindexReport;
import dev.chatsystem.core.embedded.LocalJobLock;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.ControlledIndex;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full reindex holds the job lock throughout: a second one asked for meanwhile fails at once with a conflict (it
 * would otherwise overtake the first, or delete its unfinished index), while one application's reindex still runs.
 */
class OneFullReindexAtATimeTest {
    private static final String TOKEN = "one-reindex-at-a-time-token-0123";
    private static final int MESSAGES = Reindexer.BATCH_SIZE + 10;

    @TempDir
    Path dir;

    private H2ChatStore store;
    private ControlledIndex index;
    private Reindexer reindexer;

    @BeforeEach
    void storeMessages() {
        store = H2ChatStore.open(dir.resolve("db"));
        index = new ControlledIndex(LuceneSearchIndex.open(dir.resolve("index")));
        Instant at = Instant.now();
        store.createApplication(TOKEN, "app", at);
        List<Write> writes = new ArrayList<>(List.of(new Write.ChatCreated(TOKEN, 1, at)));
        for (long n = 1; n <= MESSAGES; n++) {
            writes.add(new Write.MessageCreated(TOKEN, 1, n, "message " + n, at, n));
        }
        store.apply(writes);
        reindexer = new Reindexer(store, index, Reindexer.StoredWrites.ALWAYS, new ReentrantLock(), new LocalJobLock());
    }

    @AfterEach
    void close() {
        index.close();
        store.close();
    }

    @Test
    void aSecondFullReindexWhileOneRunsIsRefusedAndTheFirstCompletes() {
        AtomicReference<Throwable> second = new AtomicReference<>();
        List<Long> reported = new ArrayList<>();
        AtomicReference<ReindexReport> ofOneApplication = new AtomicReference<>();
        index.beforeUpsert(() -> {
            if (second.get() == null) {
                second.set(catching(() -> reindexer.reindex(Optional.empty(), (done, total) -> reported.add(done))));
                index.beforeUpsert(() -> {});
                ofOneApplication.set(reindexer.reindex(Optional.of(TOKEN), ReindexListener.NONE));
            }
        });

        ReindexReport first = reindexer.reindex(Optional.empty(), ReindexListener.NONE);

        assertThat(second.get())
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("a full reindex is already running");
        assertThat(reported).as("progress of the refused reindex").isEmpty();
        assertThat(ofOneApplication.get().indexed()).isEqualTo(MESSAGES);
        assertThat(first.indexed()).isEqualTo(MESSAGES);
        assertThat(index.needsRebuild()).isFalse();
        assertThat(index.count()).isEqualTo(MESSAGES);
    }

    @Test
    void theLockIsGivenBackWhenAFullReindexEndsOrFails() {
        reindexer.reindex(Optional.empty(), ReindexListener.NONE);

        index.failing(true);
        assertThatThrownBy(() -> reindexer.reindex(Optional.empty(), ReindexListener.NONE))
                .isInstanceOf(BackendUnavailableException.class);

        index.failing(false);
        assertThat(reindexer.reindex(Optional.empty(), ReindexListener.NONE).indexed())
                .isEqualTo(MESSAGES);
        assertThat(index.needsRebuild()).isFalse();
    }

    private static Throwable catching(Runnable action) {
        try {
            action.run();
            return new AssertionError("the second full reindex ran");
        } catch (RuntimeException e) {
            return e;
        }
    }
}
