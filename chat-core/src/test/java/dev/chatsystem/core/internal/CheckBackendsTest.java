package dev.chatsystem.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Health;
import dev.chatsystem.core.Role;
import dev.chatsystem.core.elasticsearch.ElasticsearchSearchIndex;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import dev.chatsystem.core.testing.RedisDatabase;
import dev.chatsystem.core.testing.Services;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ChatSystem#checkBackends} on the real MariaDB, Redis and Elasticsearch: each backend on its own, under the
 * names and kinds a running system's health gives it, changing nothing, and a down backend reported within seconds.
 */
class CheckBackendsTest {
    /** Down in the tests: nothing listens on port 1. */
    private static final String CLOSED = "127.0.0.1:1";

    @RegisterExtension
    final RedisDatabase redis = new RedisDatabase(15); // a database of its own, flushed around each test

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final String index = "chat-test-check-backends-" + UUID.randomUUID();

    @AfterEach
    void deleteTheIndex() throws Exception {
        send("DELETE", "/" + index);
        send("DELETE", "/_index_template/chat-system-" + index);
    }

    @Test
    void everyBackendUpIsUpUnderTheNamesARunningSystemGives() {
        try (MySqlTestDatabase database = MySqlTestDatabase.create()) {
            database.open().close(); // migrated, as a deploy does first
            ElasticsearchSearchIndex.open(Services.requireElasticsearch(), index)
                    .close(); // created, as the servers do
            ChatConfig config = database.productionConfig(dataDir, redis.url(), index)
                    .role(Role.API)
                    .reconcileInterval(Duration.ZERO)
                    .build();

            Health checked = ChatSystem.checkBackends(config);

            assertThat(checked.backends())
                    .allSatisfy(backend ->
                            assertThat(backend.up()).as(backend.toString()).isTrue());
            assertThat(checked.backends())
                    .extracting(BackendStatus::name, BackendStatus::kind)
                    .containsExactly(
                            tuple("store", "mysql"), tuple("search", "elasticsearch"), tuple("queue", "redis"));
            assertThat(redis.client().dbSize()).as("keys in Redis").isZero(); // no shard count recorded
            try (ChatSystem running = ChatSystem.open(config)) {
                assertThat(running.health().backends())
                        .extracting(BackendStatus::name, BackendStatus::kind)
                        .containsExactlyElementsOf(checked.backends().stream()
                                .map(backend -> tuple(backend.name(), backend.kind()))
                                .toList());
            }
        }
    }

    @Test
    void mySqlAndRedisDownAreBothReportedWithWhyAndNothingIsCreated() throws Exception {
        ChatConfig config = ChatConfig.builder()
                .database(new ChatConfig.Database(
                        "jdbc:mysql://" + CLOSED + "/chat", MySqlTestDatabase.USER, MySqlTestDatabase.PASSWORD))
                .redisUrl(URI.create("redis://" + CLOSED))
                .elasticsearchUrl(Services.requireElasticsearch())
                .elasticsearchIndex(index) // a name no index has
                .build();

        long started = System.nanoTime();
        Health health = ChatSystem.checkBackends(config);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(health.backends())
                .extracting(BackendStatus::name, BackendStatus::kind, BackendStatus::up)
                .containsExactly(
                        tuple("store", "mysql", false),
                        tuple("search", "elasticsearch", false),
                        tuple("queue", "redis", false));
        assertThat(health.backends().get(0).detail()).contains("could not open", CLOSED);
        // Elasticsearch is up, but the index is missing and a check does not create it: down, saying so.
        assertThat(health.backends().get(1).detail()).startsWith("index " + index + " does not exist");
        assertThat(health.backends().get(2).detail()).startsWith("Redis unreachable at " + CLOSED);
        assertThat(took).isLessThan(BackendChecks.DEADLINE); // each answered with why, none by the deadline
        assertThat(send("HEAD", "/" + index).statusCode()).as("index").isEqualTo(404);
        assertThat(send("GET", "/_index_template/chat-system-" + index).statusCode())
                .as("template")
                .isEqualTo(404);
    }

    /**
     * Servers that accept connections but never answer (a frozen process): the check returns by its deadline, not
     * after the 30 s a MySQL handshake or an Elasticsearch request may wait.
     */
    @Test
    void backendsThatNeverAnswerAreDownByTheDeadline() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) { // never accepts
            String address = "127.0.0.1:" + silent.getLocalPort();
            ChatConfig config = ChatConfig.builder()
                    .database(new ChatConfig.Database("jdbc:mysql://" + address + "/chat", "chat", "chat"))
                    .redisUrl(URI.create("redis://" + address))
                    .elasticsearchUrl(URI.create("http://" + address))
                    .build();

            long started = System.nanoTime();
            Health health = ChatSystem.checkBackends(config);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(took).isLessThan(BackendChecks.DEADLINE.plusSeconds(3));
            assertThat(health.backends())
                    .extracting(BackendStatus::name, BackendStatus::up)
                    .containsExactly(tuple("store", false), tuple("search", false), tuple("queue", false));
            assertThat(health.backends())
                    .allSatisfy(backend -> assertThat(backend.detail()).isNotBlank());
        }
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                        Services.requireElasticsearch().resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
