package dev.chatsystem.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * HikariCP pool gauges, read from the MBeans the core's pools register ({@code com.zaxxer.hikari:type=Pool (name)}),
 * so no pool or Micrometer type crosses the core's API. Named like Hikari's own Micrometer tracker.
 */
final class PoolGauges {
    private static final Map<String, String> ATTRIBUTES = Map.of(
            "hikaricp.connections.active", "ActiveConnections",
            "hikaricp.connections.idle", "IdleConnections",
            "hikaricp.connections", "TotalConnections",
            "hikaricp.connections.pending", "ThreadsAwaitingConnection");

    private PoolGauges() {}

    static void bindTo(MeterRegistry registry) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName pool : pools(server)) {
            String type = pool.getKeyProperty("type");
            String name = type.substring("Pool (".length(), type.length() - 1);
            ATTRIBUTES.forEach((meter, attribute) -> Gauge.builder(meter, () -> read(server, pool, attribute))
                    .tag("pool", name)
                    .register(registry));
        }
    }

    private static Iterable<ObjectName> pools(MBeanServer server) {
        try {
            return server.queryNames(new ObjectName("com.zaxxer.hikari:type=Pool (*"), null);
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
