package dev.chatsystem.core.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one place that decides what a test does when a real service is missing: with {@code CI=true} it fails (CI must
 * never pass by skipping), otherwise it is skipped so a laptop without the services can still run the suite.
 */
public final class Services {
    private Services() {}

    public static URI redisUrl() {
        return URI.create(env("CHAT_TEST_REDIS_URL", "redis://127.0.0.1:6379"));
    }

    public static void requireRedis() {
        require("Redis", redisUrl().getHost(), redisUrl().getPort());
    }

    static void require(String name, String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1_000);
        } catch (IOException e) {
            String message =
                    name + " is not reachable at " + host + ":" + port + " (start it with scripts/services up)";
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
    }

    static String env(String key, String fallback) {
        String value = System.getenv(key);
        return value == null || value.isBlank() ? fallback : value;
    }
}
