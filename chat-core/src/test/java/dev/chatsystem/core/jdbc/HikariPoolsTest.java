package dev.chatsystem.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.mysql.MySqlChatStore;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two stores open in one JVM keep their pools' MBeans, which the server's pool gauges read, apart: with one name, the
 * second got none, and closing it unregistered the first's.
 */
class HikariPoolsTest {
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    @TempDir
    Path first;

    @TempDir
    Path second;

    @Test
    void twoEmbeddedSystemsInOneJvmKeepTheirPoolsApart() {
        Set<String> before = pools();
        try (ChatSystem one = ChatSystem.open(ChatConfig.embedded(first))) {
            Set<String> ones = added(before);
            if (!before.contains("chat-h2") && !before.contains("chat-h2-writes")) { // none left by an earlier test
                assertThat(ones).containsExactlyInAnyOrder("chat-h2", "chat-h2-writes");
            }

            assertSecondKeepsApart(ones, () -> ChatSystem.open(ChatConfig.embedded(second)));

            assertThat(pools()).containsAll(ones);
            ones.forEach(pool -> assertThat(totalConnections(pool)).as(pool).isPositive());
            assertThat(one.createApplication("still served").name()).isEqualTo("still served");
        }
    }

    @Test
    void twoMySqlStoresInOneJvmKeepTheirPoolsApart() {
        try (MySqlTestDatabase database = MySqlTestDatabase.create()) {
            Set<String> before = pools();
            try (MySqlChatStore one = database.open()) {
                Set<String> ones = added(before);
                if (!before.contains("chat-mysql")) {
                    assertThat(ones).containsExactly("chat-mysql");
                }

                assertSecondKeepsApart(ones, database::open);

                assertThat(pools()).containsAll(ones);
                ones.forEach(pool -> assertThat(totalConnections(pool)).as(pool).isPositive());
                assertThat(one.countApplications()).isZero();
            }
        }
    }

    /** Opens another store beside those whose pools are {@code firsts}, and closes it. */
    private static void assertSecondKeepsApart(Set<String> firsts, Supplier<? extends AutoCloseable> open) {
        Set<String> before = pools();
        try (AutoCloseable other = open.get()) {
            assertThat(added(before)).hasSameSizeAs(firsts).doesNotContainAnyElementsOf(firsts);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Set<String> added(Set<String> before) {
        Set<String> now = new HashSet<>(pools());
        now.removeAll(before);
        return now;
    }

    private static Set<String> pools() {
        try {
            return SERVER.queryNames(new ObjectName("com.zaxxer.hikari:type=Pool (*"), null).stream()
                    .map(name -> name.getKeyProperty("type"))
                    .map(type -> type.substring("Pool (".length(), type.length() - 1))
                    .collect(Collectors.toSet());
        } catch (JMException e) {
            throw new AssertionError(e);
        }
    }

    private static int totalConnections(String pool) {
        try {
            return (Integer) SERVER.getAttribute(
                    new ObjectName("com.zaxxer.hikari:type=Pool (" + pool + ")"), "TotalConnections");
        } catch (JMException e) {
            throw new AssertionError(e);
        }
    }
}
