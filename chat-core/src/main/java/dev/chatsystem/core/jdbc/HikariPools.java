package dev.chatsystem.core.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Starts HikariCP pools under a name no other pool of this JVM holds. A pool registers its MBeans (which the metrics
 * shell reads) under its name and unregisters that name when it closes, so a second pool of the same name (a second
 * chat system in one JVM, doctor's store beside a server's) got none, and closing it removed the first pool's: its
 * gauges vanished. The first pool keeps the plain name, which dashboards select ({@code pool="chat-mysql"}); another
 * open at the same time gets {@code -2}, {@code -3}, … appended, as commons-pool2 numbers the Redis pools.
 */
public final class HikariPools {
    private HikariPools() {}

    /** Starts a pool of {@code config} named {@code name}, or {@code name-N} while that name is taken. */
    public static HikariDataSource start(HikariConfig config, String name) {
        // The MBean server is the JVM's, so is this lock: two pools starting at once must not both find a name free.
        synchronized (HikariPools.class) {
            config.setPoolName(unused(name));
            return new HikariDataSource(config);
        }
    }

    private static String unused(String name) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (int n = 1; ; n++) {
            String candidate = n == 1 ? name : name + "-" + n;
            // Hikari registers both and, finding the config's name taken, registers neither.
            if (!server.isRegistered(bean("PoolConfig", candidate)) && !server.isRegistered(bean("Pool", candidate))) {
                return candidate;
            }
        }
    }

    private static ObjectName bean(String type, String pool) {
        try {
            return new ObjectName("com.zaxxer.hikari:type=" + type + " (" + pool + ")");
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("pool name " + pool + " cannot name an MBean", e);
        }
    }
}
