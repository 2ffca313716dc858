package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.ControlledIndex;
import dev.chatsystem.core.testing.InterceptedStore;
import dev.chatsystem.core.testing.RecordingWorkerListener;
import dev.chatsystem.core.testing.Services;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * Redis loses its data while a persist batch read from the queue is still being stored, and the catch-up pass that the
 * index drainer asks for runs before the batch commits: the batch's message, whose index entry was lost with the
 * queue, must still reach the index.
 */
class LateLostBatchCatchUpTest {
    private static final URI REDIS = Services.redisUrl().resolve("/12"); // this test's own database, flushed per test
    private static final Instant AT = Instant.now().truncatedTo(ChronoUnit.MICROS);

    @TempDir
    Path dataDir;

    @Test
    @Timeout(60)
    void aLostQueuesBatchCommittedAfterTheCatchUpPassIsIndexedByAPassAfterIt() throws Exception {
        Services.requireRedis();
        flushDb();
        try (H2ChatStore h2 = H2ChatStore.open(dataDir);
                LuceneSearchIndex lucene = LuceneSearchIndex.open(dataDir.resolve("index"));
                RedisBackend backend = RedisBackend.connect(REDIS, 1, h2)) {
            String token = "late-lost-batch-" + System.nanoTime();
            h2.createApplication(token, "app", AT);
            CountDownLatch applying = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ChatStore store = blockingApply(h2, applying, release);
            ControlledIndex index = new ControlledIndex(lucene);
            index.failing(true); // the index entries stay queued until Redis loses them
            backend.writePath().createChat(token, AT);
            backend.writePath().createMessage(token, 1, "stored after the pass", AT);

            try (AutoCloseable workers =
                    backend.startWorkers(store, index, 100, "w", Duration.ofHours(24), new RecordingWorkerListener())) {
                assertThat(applying.await(20, TimeUnit.SECONDS)).isTrue();
                flushDb();
                index.failing(false);
                // The index drainer finds its group gone and asks for a pass, which ends before the batch commits.
                String marker = new RedisKeys(1).catchUp();
                Await.until(() -> exists(marker), Duration.ofSeconds(20));
                Await.until(() -> !exists(marker), Duration.ofSeconds(20));
                assertThat(lucene.count()).isZero();

                release.countDown();

                Await.until(() -> lucene.count() == 1, Duration.ofSeconds(15));
            }
            assertThat(lucene.search(token, 1, "stored", 10)).containsExactly(1L);
        }
    }

    /** The store, whose first apply waits for {@code release} after counting {@code applying} down. */
    private static ChatStore blockingApply(ChatStore store, CountDownLatch applying, CountDownLatch release) {
        return InterceptedStore.around(store, (method, args, real) -> {
            if (method.getName().equals("apply") && applying.getCount() > 0) {
                applying.countDown();
                release.await();
            }
            return real.proceed();
        });
    }

    private static boolean exists(String key) {
        try (RedisClient redis = RedisClient.create(REDIS)) {
            return redis.exists(key);
        }
    }

    private static void flushDb() {
        try (RedisClient redis = RedisClient.create(REDIS)) {
            redis.flushDB();
        }
    }
}
