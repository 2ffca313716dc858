package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.testing.RedisDatabase;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monitoring reads the Redis connection pool through the MBean commons-pool2 registers for it, under a name of its
 * own, so nothing of Jedis crosses the core's API.
 */
class RedisPoolMBeanTest {
    @RegisterExtension
    final RedisDatabase database = new RedisDatabase(5); // flushed: another test's shard count may be recorded there

    @TempDir
    Path dataDir;

    @Test
    void registersThePoolUnderItsOwnNameWhileConnected() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName pattern = new ObjectName(
                "org.apache.commons.pool2:type=GenericObjectPool,name=" + RedisBackend.POOL_JMX_NAME + "*");
        try (H2ChatStore store = H2ChatStore.open(dataDir)) {
            RedisBackend backend = RedisBackend.connect(database.url(), 1, store);
            Set<ObjectName> pools;
            try (backend) {
                pools = server.queryNames(pattern, null);

                assertThat(pools).isNotEmpty();
                for (ObjectName pool : pools) {
                    for (String attribute : new String[] {"NumActive", "NumIdle", "NumWaiters"}) {
                        assertThat(server.getAttribute(pool, attribute)).isInstanceOf(Integer.class);
                    }
                }
                // Idle or, at this instant, borrowed by the backend's own timers (the stream measurer, the shard
                // count check): counting idle ones alone failed when a timer held the only connection.
                assertThat(pools.stream()
                                .mapToInt(pool -> count(server, pool, "NumIdle") + count(server, pool, "NumActive"))
                                .sum())
                        .as("connect() pings, so the pool holds a connection")
                        .isPositive();
            }
            assertThat(server.queryNames(pattern, null)).doesNotContainAnyElementsOf(pools);
        }
    }

    @Test
    void keepsItsConnectionsThroughBurstsInsteadOfReopeningThem() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> before = pools(server);
        try (H2ChatStore store = H2ChatStore.open(dataDir);
                RedisBackend backend = RedisBackend.connect(database.url(), 1, store)) {
            Set<ObjectName> mine = new java.util.HashSet<>(pools(server));
            mine.removeAll(before);
            assertThat(mine).hasSize(1);
            ObjectName pool = mine.iterator().next();
            String token = "pool-burst-" + System.nanoTime();
            store.createApplication(token, "app", java.time.Instant.now());
            backend.numbering().applicationCreated(token);
            java.time.Instant at = java.time.Instant.now();
            long chat = backend.writePath().createChat(token, at);

            List<Long> numbers = new ArrayList<>();
            for (int burst = 0; burst < 3; burst++) { // 100 at once: above any idle bound below the pool's size
                List<Future<Long>> creates = new ArrayList<>();
                try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < 100; i++) {
                        creates.add(threads.submit(() -> backend.writePath().createMessage(token, chat, "burst", at)));
                    }
                }
                for (Future<Long> create : creates) {
                    numbers.add(create.get()); // a create that failed fails the test with its cause
                }
            }
            assertThat(numbers)
                    .as("every create acknowledged, each under a number of its own")
                    .containsExactlyInAnyOrderElementsOf(
                            LongStream.rangeClosed(1, 300).boxed().toList());

            assertThat((Long) server.getAttribute(pool, "DestroyedCount"))
                    .as("connections closed between bursts")
                    .isZero();
            assertThat(backend.numbering().lastMessageNumber(token, chat)).isEqualTo(300);
        }
    }

    private static Set<ObjectName> pools(MBeanServer server) throws javax.management.JMException {
        return server.queryNames(
                new ObjectName(
                        "org.apache.commons.pool2:type=GenericObjectPool,name=" + RedisBackend.POOL_JMX_NAME + "*"),
                null);
    }

    private static int count(MBeanServer server, ObjectName pool, String attribute) {
        try {
            return (Integer) server.getAttribute(pool, attribute);
        } catch (javax.management.JMException e) {
            throw new AssertionError(e);
        }
    }
}
