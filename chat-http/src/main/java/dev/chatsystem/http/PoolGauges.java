package dev.chatsystem.http;

import dev.chatsystem.core.redis.RedisBackend;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.function.Function;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Connection pool gauges, read from the MBeans the core's pools register, so no pool or Micrometer type crosses the
 * core's API: HikariCP's ({@code com.zaxxer.hikari:type=Pool (name)}, named like Hikari's own Micrometer tracker)
 * and the Redis client's commons-pool2 pool ({@code org.apache.commons.pool2:type=GenericObjectPool,name=chat-redis}).
 * Pools are found once, when bound: bind after the chat system has opened.
 */
final class PoolGauges {
    private static final Map<String, String> HIKARI = Map.of(
            "hikaricp.connections.active", "ActiveConnections",
            "hikaricp.connections.idle", "IdleConnections",
            "hikaricp.connections", "TotalConnections",
            "hikaricp.connections.pending", "ThreadsAwaitingConnection");
    private static final Map<String, String> JEDIS = Map.of(
            "jedis.pool.active", "NumActive",
            "jedis.pool.idle", "NumIdle",
            "jedis.pool.waiters", "NumWaiters");

    /** The core's Redis pools; a second client in one JVM gets a number appended to the name. */
    static final String JEDIS_POOLS =
            "org.apache.commons.pool2:type=GenericObjectPool,name=" + RedisBackend.POOL_JMX_NAME + "*";

    private PoolGauges() {}

    static void bindTo(MeterRegistry registry) {
        bind(registry, "com.zaxxer.hikari:type=Pool (*", HIKARI, pool -> {
            String type = pool.getKeyProperty("type");
            return type.substring("Pool (".length(), type.length() - 1);
        });
        bind(registry, JEDIS_POOLS, JEDIS, pool -> pool.getKeyProperty("name"));
    }

    private static void bind(
            MeterRegistry registry, String query, Map<String, String> attributes, Function<ObjectName, String> name) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName pool : pools(server, query)) {
            attributes.forEach((meter, attribute) -> Gauge.builder(meter, () -> read(server, pool, attribute))
                    .tag("pool", name.apply(pool))
                    .register(registry));
        }
    }

    private static Iterable<ObjectName> pools(MBeanServer server, String query) {
        try {
            return server.queryNames(new ObjectName(query), null);
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double read(MBeanServer server, ObjectName pool, String attribute) {
        try {
            return ((Number) server.getAttribute(pool, attribute)).doubleValue();
        } catch (JMException | RuntimeException gone) {
            return Double.NaN; // the pool was closed
        }
    }
}
