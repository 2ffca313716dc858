package dev.chatsystem.core.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the integration tests find MariaDB/MySQL, Redis and Elasticsearch ({@code scripts/services up} starts them),
 * and the one rule for when one is missing: the test fails when {@code CI=true} (CI cannot pass by skipping) and is
 * skipped otherwise, so a developer without the services still gets a green build.
 *
 * <p>Addresses come from {@code CHATSYSTEM_TEST_DB_URL}, {@code CHATSYSTEM_TEST_REDIS_URL} and {@code
 * CHATSYSTEM_TEST_ELASTICSEARCH_URL}, defaulting to the local ports.
 */
public final class Services {
    private static final int CONNECT_TIMEOUT_MILLIS = 1_000;

    private Services() {}

    /** The MySQL/MariaDB server URL without a database ({@code jdbc:mysql://127.0.0.1:3306/}), once reachable. */
    public static String requireMysql() {
        String jdbc = env("CHATSYSTEM_TEST_DB_URL", "jdbc:mysql://127.0.0.1:3306/");
        URI url = URI.create(jdbc.substring("jdbc:".length()));
        require("MySQL", url.getHost(), url.getPort() < 0 ? 3306 : url.getPort());
        return jdbc;
    }

    /** The Redis URL ({@code redis://127.0.0.1:6379}), once reachable. */
    public static URI requireRedis() {
        URI url = redisUrl();
        require("Redis", url.getHost(), url.getPort() < 0 ? 6379 : url.getPort());
        return url;
    }

    public static URI redisUrl() {
        return URI.create(env("CHATSYSTEM_TEST_REDIS_URL", "redis://127.0.0.1:6379"));
    }

    /** The Elasticsearch URL ({@code http://127.0.0.1:9200}), once reachable. */
    public static URI requireElasticsearch() {
        URI url = URI.create(env("CHATSYSTEM_TEST_ELASTICSEARCH_URL", "http://127.0.0.1:9200"));
        require("Elasticsearch", url.getHost(), url.getPort() < 0 ? 9200 : url.getPort());
        return url;
    }

    /** The environment variable, or {@code fallback} when it is unset or blank. */
    public static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void require(String service, String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            String message = service + " is not reachable at " + host + ":" + port + " (" + e.getMessage()
                    + "); start it with scripts/services up";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message + " [CI=true: integration services are required]");
            }
            Assumptions.abort(message + " [skipped; set CI=true to fail instead]");
        }
    }
}
