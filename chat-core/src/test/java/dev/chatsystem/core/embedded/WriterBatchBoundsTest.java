package dev.chatsystem.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.Accepted;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.InterceptedStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's batches are bounded by body size as well as by count: long bodies make smaller transactions. So are the
 * batches it commits as it stops.
 */
class WriterBatchBoundsTest {
    private static final String TOKEN = "writer-bounds-token-0123456789ab";
    private static final int LONG_BODY = 60_000;
    private static final int QUEUED = 40;

    @TempDir
    Path dir;

    private final CountDownLatch applying = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Applied> applied = new CopyOnWriteArrayList<>();
    private volatile boolean holdNextApply;

    /** One batch the store applied: its writes, and the characters of its bodies. */
    private record Applied(int writes, long chars) {}

    @Test
    void aBacklogOfLongBodiesIsCommittedInBatchesOfAboutAMegabyte() throws Exception {
        try (H2ChatStore h2 = H2ChatStore.open(dir.resolve("db"));
                LuceneSearchIndex index = LuceneSearchIndex.open(dir.resolve("index"))) {
            GroupCommitWritePath path = GroupCommitWritePath.start(
                    recordingApplies(h2),
                    index,
                    new ReentrantLock(),
                    MissedWrites.inMemory(),
                    100,
                    2_000,
                    Duration.ofDays(1),
                    WorkerListener.NONE);
            try {
                h2.createApplication(TOKEN, "app", Instant.now());
                path.createChat(TOKEN, Instant.now());
                applied.clear();
                holdNextApply = true;
                CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> create(path));
                assertThat(applying.await(15, TimeUnit.SECONDS)).isTrue();
                List<CompletableFuture<Long>> queued = new ArrayList<>();
                for (int i = 0; i < QUEUED; i++) {
                    queued.add(CompletableFuture.supplyAsync(() -> create(path)));
                }
                Await.until(() -> path.pending() == QUEUED, Duration.ofSeconds(15));

                release.countDown();
                first.get(15, TimeUnit.SECONDS);
                for (CompletableFuture<Long> write : queued) {
                    write.get(15, TimeUnit.SECONDS);
                }

                // 40 bodies of 60,000 characters: 2.4 M in all, so at least three batches, none far above 1 Mi.
                List<Applied> after = applied.subList(1, applied.size()); // behind the held one
                assertThat(after).hasSizeGreaterThanOrEqualTo(3);
                assertThat(after)
                        .allSatisfy(batch -> assertThat(batch.chars())
                                .isLessThanOrEqualTo(GroupCommitWritePath.MAX_BATCH_CHARS + LONG_BODY));
                assertThat(after.stream().mapToLong(Applied::chars).sum()).isEqualTo((long) QUEUED * LONG_BODY);
            } finally {
                path.close();
            }
        }
    }

    @Test
    void writesQueuedBehindTheStopAreCommittedInBatchesOfAboutAMegabyte() throws Exception {
        List<Applied> after = commitBehindTheStop(2_000, "x".repeat(LONG_BODY));
        // 40 bodies of 60,000 characters once more: before, the stop took them all into one batch of 2.4 M.
        assertThat(after).hasSizeGreaterThanOrEqualTo(3);
        assertThat(after)
                .allSatisfy(batch -> assertThat(batch.chars())
                        .isLessThanOrEqualTo(GroupCommitWritePath.MAX_BATCH_CHARS + LONG_BODY));
    }

    @Test
    void writesQueuedBehindTheStopAreCommittedInBatchesOfTheBatchSize() throws Exception {
        List<Applied> after = commitBehindTheStop(8, "short");
        assertThat(after).hasSizeGreaterThanOrEqualTo(QUEUED / 8);
        assertThat(after).allSatisfy(batch -> assertThat(batch.writes()).isLessThanOrEqualTo(8));
    }

    /**
     * Holds the writer in a batch, closes the path and queues {@link #QUEUED} writes of {@code body} behind its stop, as
     * callers do that passed the accepting check just before it flipped; the batches applied behind the held one.
     */
    private List<Applied> commitBehindTheStop(int batchSize, String body) throws Exception {
        try (H2ChatStore h2 = H2ChatStore.open(dir.resolve("db"));
                LuceneSearchIndex index = LuceneSearchIndex.open(dir.resolve("index"))) {
            GroupCommitWritePath path = GroupCommitWritePath.start(
                    recordingApplies(h2),
                    index,
                    new ReentrantLock(),
                    MissedWrites.inMemory(),
                    100,
                    batchSize,
                    Duration.ofDays(1),
                    WorkerListener.NONE);
            // A thread each: the common pool may have a single one, which close() would hold while it waits.
            ExecutorService callers = Executors.newThreadPerTaskExecutor(
                    Thread.ofPlatform().daemon().factory());
            try {
                h2.createApplication(TOKEN, "app", Instant.now());
                path.createChat(TOKEN, Instant.now());
                applied.clear();
                holdNextApply = true;
                CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> create(path), callers);
                assertThat(applying.await(15, TimeUnit.SECONDS)).isTrue();
                CompletableFuture<Void> closing = CompletableFuture.runAsync(path::close, callers);
                Await.until(() -> path.pending() == 1, Duration.ofSeconds(15)); // the stop
                List<CompletableFuture<Accepted>> late = new ArrayList<>();
                for (int i = 0; i < QUEUED; i++) {
                    late.add(CompletableFuture.supplyAsync(
                            () -> path.queueAndWait(
                                    PendingWrite.createMessage(TOKEN, 1, body, Instant.now(), Optional.empty())),
                            callers));
                }
                Await.until(() -> path.pending() == QUEUED + 1, Duration.ofSeconds(15));

                release.countDown();
                first.get(15, TimeUnit.SECONDS);
                for (CompletableFuture<Accepted> write : late) {
                    write.get(15, TimeUnit.SECONDS);
                }
                closing.get(15, TimeUnit.SECONDS);
                List<Applied> after = List.copyOf(applied.subList(1, applied.size()));
                assertThat(after.stream().mapToInt(Applied::writes).sum()).isEqualTo(QUEUED);
                return after;
            } finally {
                release.countDown();
                path.close();
                callers.shutdown();
            }
        }
    }

    private static long create(GroupCommitWritePath path) {
        return path.createMessage(TOKEN, 1, "x".repeat(LONG_BODY), Instant.now());
    }

    /** The store, recording the size and body characters of each applied batch and holding the first one while asked. */
    private ChatStore recordingApplies(ChatStore store) {
        return InterceptedStore.around(store, (method, args, real) -> {
            if (method.getName().equals("apply")) {
                @SuppressWarnings("unchecked")
                List<Write> writes = (List<Write>) args[0];
                applied.add(new Applied(
                        writes.size(),
                        writes.stream()
                                .mapToLong(w -> w instanceof Write.MessageCreated m
                                        ? m.body().length()
                                        : 0)
                                .sum()));
                if (holdNextApply) {
                    holdNextApply = false;
                    applying.countDown();
                    release.await();
                }
            }
            return real.proceed();
        });
    }
}
