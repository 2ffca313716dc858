package dev.chatsystem.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.Await;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's batches are bounded by body size as well as by count: long bodies make smaller transactions. */
class WriterBatchBoundsTest {
    private static final String TOKEN = "writer-bounds-token-0123456789ab";
    private static final int LONG_BODY = 60_000;
    private static final int QUEUED = 40;

    @TempDir
    Path dir;

    private final CountDownLatch applying = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Long> batchChars = new CopyOnWriteArrayList<>();
    private volatile boolean holdNextApply;

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
                batchChars.clear();
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
                List<Long> after = batchChars.subList(1, batchChars.size()); // behind the held one
                assertThat(after).hasSizeGreaterThanOrEqualTo(3);
                assertThat(after)
                        .allSatisfy(chars -> assertThat(chars)
                                .isLessThanOrEqualTo(GroupCommitWritePath.MAX_BATCH_CHARS + LONG_BODY));
                assertThat(after.stream().mapToLong(Long::longValue).sum()).isEqualTo((long) QUEUED * LONG_BODY);
            } finally {
                path.close();
            }
        }
    }

    private static long create(GroupCommitWritePath path) {
        return path.createMessage(TOKEN, 1, "x".repeat(LONG_BODY), Instant.now());
    }

    /** The store, recording the body characters of each applied batch and holding the first one while asked. */
    private ChatStore recordingApplies(ChatStore store) {
        return (ChatStore) Proxy.newProxyInstance(
                ChatStore.class.getClassLoader(), new Class<?>[] {ChatStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("apply")) {
                        @SuppressWarnings("unchecked")
                        List<Write> writes = (List<Write>) args[0];
                        batchChars.add(writes.stream()
                                .mapToLong(w -> w instanceof Write.MessageCreated m
                                        ? m.body().length()
                                        : 0)
                                .sum());
                        if (holdNextApply) {
                            holdNextApply = false;
                            applying.countDown();
                            release.await();
                        }
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
