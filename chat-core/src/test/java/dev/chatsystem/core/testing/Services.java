package dev.chatsystem.core.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The rule for tests that need a real service: when it does not answer, the test fails on CI ({@code CI=true}) and is
 * skipped elsewhere, so a developer without the service still gets a green build and CI cannot silently skip.
 */
public final class Services {
    private static final int CONNECT_TIMEOUT_MILLIS = 1_000;

    private Services() {}

    /** The MySQL/MariaDB server named by {@code CHAT_TEST_DB_URL} (default {@code jdbc:mysql://127.0.0.1:3306/}). */
    public static void requireMysql() {
        require("MySQL", env("CHAT_TEST_DB_URL", "jdbc:mysql://127.0.0.1:3306/").substring("jdbc:".length()), 3306);
    }

    /** The Redis server named by {@code CHAT_TEST_REDIS_URL} (default {@code redis://127.0.0.1:6379}). */
    public static void requireRedis() {
        require("Redis", env("CHAT_TEST_REDIS_URL", "redis://127.0.0.1:6379"), 6379);
    }

    /** The Elasticsearch server named by {@code CHAT_TEST_ES_URL} (default {@code http://127.0.0.1:9200}). */
    public static void requireElasticsearch() {
        require("Elasticsearch", env("CHAT_TEST_ES_URL", "http://127.0.0.1:9200"), 9200);
    }

    /** The environment variable, or {@code fallback} when it is unset or blank. */
    public static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void require(String service, String url, int defaultPort) {
        URI uri = URI.create(url);
        String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
        int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            String message = service + " is not reachable at " + host + ":" + port + " (" + e.getMessage() + ")";
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(message + "; CI=true requires it");
            }
            Assumptions.abort(message);
        }
    }
}
