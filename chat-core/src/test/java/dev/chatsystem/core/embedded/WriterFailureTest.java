package dev.chatsystem.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.InterceptedStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@link Error} while the writer applies a batch (an {@code OutOfMemoryError}, say) stops the writer for good; every
 * caller still waiting, in that batch or queued behind it, is answered with {@link BackendUnavailableException}.
 */
class WriterFailureTest {
    private static final String TOKEN = "writer-failure-token-0123456789";

    @TempDir
    Path dir;

    private final CountDownLatch applying = new CountDownLatch(1);
    private final CountDownLatch dieNow = new CountDownLatch(1);
    private volatile boolean dying;
    private volatile boolean dyingAfterCommit;
    private final MissedWrites missed = MissedWrites.inMemory();
    private H2ChatStore h2;
    private LuceneSearchIndex index;
    private GroupCommitWritePath path;

    @BeforeEach
    void open() {
        h2 = H2ChatStore.open(dir.resolve("db"));
        index = LuceneSearchIndex.open(dir.resolve("index"));
        path = GroupCommitWritePath.start(
                dyingOnApply(h2), index, new ReentrantLock(), missed, 100, 1, Duration.ofDays(1), WorkerListener.NONE);
        h2.createApplication(TOKEN, "app", Instant.now());
        path.createChat(TOKEN, Instant.now());
    }

    @AfterEach
    void close() {
        dieNow.countDown();
        path.close();
        index.close();
        h2.close();
    }

    @Test
    void theCallersOfTheBatchAndThoseQueuedBehindItAreAnswered() throws Exception {
        assertThat(path.stoppedForGood()).isEmpty();
        dying = true;
        CompletableFuture<Long> inBatch = CompletableFuture.supplyAsync(this::create);
        assertThat(applying.await(15, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Long>> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.add(CompletableFuture.supplyAsync(this::create));
        }
        Await.until(() -> path.pending() == 3, Duration.ofSeconds(15));

        dieNow.countDown();
        assertFailsWithBackendUnavailable(inBatch);
        for (CompletableFuture<Long> write : queued) {
            assertFailsWithBackendUnavailable(write);
        }
        // Callers are answered first; then the writer stops the indexer, and ends.
        Await.until(() -> path.health().detail().contains("writer stopped"), Duration.ofSeconds(15));
        assertThatThrownBy(this::create).isInstanceOf(BackendUnavailableException.class);
        // Nothing in the process restarts it: a liveness probe's restart is the remedy.
        assertThat(path.stoppedForGood()).hasValue("writer stopped");
        path.close();
        assertThat(path.stoppedForGood()).as("closed: ended by design").isEmpty();
    }

    /**
     * An {@link Error} after the store committed a batch (thrown by the store itself, or by anything before the batch
     * reached the indexer) leaves committed messages the index may never get: they are reported missed, so the index is
     * rebuilt from the store at the next start.
     */
    @Test
    void aBatchCommittedBeforeTheWriterDiedIsReportedMissedFromTheIndex() {
        dyingAfterCommit = true;
        dieNow.countDown();
        assertThatThrownBy(this::create).isInstanceOf(BackendUnavailableException.class);

        assertThat(h2.message(TOKEN, 1, 1)).isPresent(); // committed: the caller's 503 was an unknown outcome
        // Recorded as the writer stops, which may be just after it answered the caller.
        Await.until(missed::unrepaired, Duration.ofSeconds(15));
    }

    private long create() {
        return path.createMessage(TOKEN, 1, "body", Instant.now());
    }

    private static void assertFailsWithBackendUnavailable(CompletableFuture<Long> write) {
        assertThatThrownBy(() -> write.get(15, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(BackendUnavailableException.class);
    }

    /**
     * The store, except that {@code apply} throws an {@link OutOfMemoryError} while {@link #dying} (without applying)
     * or {@link #dyingAfterCommit} (once applied).
     */
    private ChatStore dyingOnApply(ChatStore store) {
        return InterceptedStore.around(store, (method, args, real) -> {
            if (dyingAfterCommit && method.getName().equals("apply")) {
                real.proceed();
                throw new OutOfMemoryError("after applying a batch (on purpose)");
            }
            if (dying && method.getName().equals("apply")) {
                applying.countDown();
                dieNow.await();
                throw new OutOfMemoryError("while applying a batch (on purpose)");
            }
            return real.proceed();
        });
    }
}
