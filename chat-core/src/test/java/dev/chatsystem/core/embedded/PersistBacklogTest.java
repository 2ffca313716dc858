package dev.chatsystem.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.InterceptedStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The persist backlog counts the batch the writer is committing: a stalled commit shows, its callers waiting. */
class PersistBacklogTest {
    private static final String TOKEN = "persist-backlog-token-0123456789";

    @TempDir
    Path dir;

    private final CountDownLatch applying = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean holdNextApply;

    @Test
    void aWriteWhoseCommitStallsIsInThePersistBacklog() throws Exception {
        try (H2ChatStore h2 = H2ChatStore.open(dir.resolve("db"));
                LuceneSearchIndex index = LuceneSearchIndex.open(dir.resolve("index"))) {
            GroupCommitWritePath path = GroupCommitWritePath.start(
                    holdingApplies(h2),
                    index,
                    new ReentrantLock(),
                    MissedWrites.inMemory(),
                    100,
                    100,
                    Duration.ofDays(1),
                    WorkerListener.NONE);
            try {
                h2.createApplication(TOKEN, "app", Instant.now());
                holdNextApply = true;
                CompletableFuture<Long> write =
                        CompletableFuture.supplyAsync(() -> path.createChat(TOKEN, Instant.now()));
                assertThat(applying.await(15, TimeUnit.SECONDS)).isTrue();
                Await.until(() -> path.pending() == 0, Duration.ofSeconds(15));
                Thread.sleep(20); // an age the gauge can tell from zero

                QueueBacklog persist = persist(path);
                assertThat(persist.entries()).isEqualTo(1);
                assertThat(persist.oldestAge()).isPositive();
                assertThat(write).isNotDone();

                release.countDown();
                write.get(15, TimeUnit.SECONDS);
                assertThat(persist(path).entries()).isZero();
                assertThat(persist(path).oldestAge()).isZero();
            } finally {
                release.countDown();
                path.close();
            }
        }
    }

    private static QueueBacklog persist(GroupCommitWritePath path) {
        return path.backlog().stream()
                .filter(b -> b.stage().equals(QueueBacklog.PERSIST))
                .findFirst()
                .orElseThrow();
    }

    /** The store, holding the next apply while asked until {@link #release} opens. */
    private ChatStore holdingApplies(ChatStore store) {
        return InterceptedStore.around(store, (method, args, real) -> {
            if (method.getName().equals("apply") && holdNextApply) {
                holdNextApply = false;
                applying.countDown();
                release.await();
            }
            return real.proceed();
        });
    }
}
