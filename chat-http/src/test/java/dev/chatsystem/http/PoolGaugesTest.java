package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.redis.RedisBackend;
import dev.chatsystem.core.testing.RedisDatabase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pool gauges from the pools' MBeans: HikariCP's and the Redis client's. The server only opens Redis with MySQL and
 * Elasticsearch, so this opens the core's Redis backend directly (database 5) over an embedded store.
 */
class PoolGaugesTest {
    @RegisterExtension
    final RedisDatabase database = new RedisDatabase(5); // flushed: another test's shard count may be recorded there

    @TempDir
    Path dataDir;

    @Test
    void readsTheRedisAndDatabasePoolsOfTheCore() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (H2ChatStore store = H2ChatStore.open(dataDir);
                RedisBackend redis = RedisBackend.connect(database.url(), 1, store)) {
            PoolGauges.bindTo(registry);
            redis.writePath().pending(); // a call through the pool

            String metrics = registry.scrape();

            // The pool holds the connection it lent, idle or (the stream measurer borrows one twice a second) active.
            assertThat(metrics)
                    .satisfiesAnyOf(
                            m -> assertThat(m).containsPattern("jedis_pool_idle\\{pool=\"chat-redis\"\\} [1-9]"),
                            m -> assertThat(m).containsPattern("jedis_pool_active\\{pool=\"chat-redis\"\\} [1-9]"));
            assertThat(metrics)
                    .containsPattern("jedis_pool_active\\{pool=\"chat-redis\"\\} [0-9]")
                    .contains("jedis_pool_waiters{pool=\"chat-redis\"} 0")
                    .contains("hikaricp_connections_active{pool=\"chat-h2\"}");
        } finally {
            registry.close();
        }
    }
}
