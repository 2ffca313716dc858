package dev.chatsystem.core.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the integration tests find MariaDB, Redis and Elasticsearch ({@code scripts/services up} starts them),
 * and the one rule for when they are missing: the test fails when the environment variable {@code CI} is
 * {@code true}, and is skipped otherwise, so a developer without the services still gets a green build.
 *
 * <p>Addresses come from {@code CHAT_TEST_ELASTICSEARCH_URL}, {@code CHAT_TEST_MYSQL_URL} and
 * {@code CHAT_TEST_REDIS_URL}, defaulting to the local ports. Call these from {@code @BeforeAll}.
 */
public final class Services {
    private static final int CONNECT_TIMEOUT_MILLIS = 1_000;

    private Services() {}

    /** The Elasticsearch base URL, e.g. {@code http://127.0.0.1:9200}. */
    public static URI requireElasticsearch() {
        URI url = URI.create(env("CHAT_TEST_ELASTICSEARCH_URL", "http://127.0.0.1:9200"));
        require("Elasticsearch", url.getHost(), url.getPort() < 0 ? 9200 : url.getPort());
        return url;
    }

    /** The JDBC URL of the {@code chat} database (user and password {@code chat}). */
    public static String requireMysql() {
        String jdbc = env("CHAT_TEST_MYSQL_URL", "jdbc:mariadb://127.0.0.1:3306/chat");
        URI url = URI.create(jdbc.substring("jdbc:".length()));
        require("MariaDB", url.getHost(), url.getPort() < 0 ? 3306 : url.getPort());
        return jdbc;
    }

    /** The Redis URL, e.g. {@code redis://127.0.0.1:6379}. */
    public static URI requireRedis() {
        URI url = URI.create(env("CHAT_TEST_REDIS_URL", "redis://127.0.0.1:6379"));
        require("Redis", url.getHost(), url.getPort() < 0 ? 6379 : url.getPort());
        return url;
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

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
