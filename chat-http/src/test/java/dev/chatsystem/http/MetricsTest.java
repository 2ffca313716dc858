package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics}: Prometheus text with request timers by route template, JVM, pool and queue gauges. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsTest {
    TestServer http;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        http = TestServer.start(dataDir);
    }

    @AfterAll
    void stop() {
        http.close();
    }

    @Test
    void timesRequestsByRouteTemplateAndStatus() throws Exception {
        String token = http.newApplication("Metrics");
        long chat = http.newChat(token);
        http.newMessage(token, chat, "hello metrics");
        assertThat(http.get("/api/v1/applications/" + token + "/chats/" + chat + "/messages/99")
                        .statusCode())
                .isEqualTo(404);
        assertThat(http.get("/no/such/path").statusCode()).isEqualTo(404);

        String metrics = scrape();

        assertThat(metrics)
                .contains("http_server_requests_seconds_bucket{")
                .contains("method=\"POST\",route=\"/api/v1/applications/{token}/chats/{chat_number}/messages\","
                        + "status=\"201\"")
                .contains("route=\"/api/v1/applications/{token}/chats/{chat_number}/messages/{message_number}\","
                        + "status=\"404\"")
                .contains("route=\"" + ServerMetrics.UNMATCHED + "\",status=\"404\"")
                .doesNotContain(token)
                .doesNotContain("/no/such/path");
    }

    @Test
    void exposesJvmPoolAndQueueGauges() {
        String metrics = scrape();

        assertThat(metrics)
                .contains("jvm_memory_used_bytes{")
                .contains("jvm_threads_live_threads")
                .contains("jvm_gc_")
                .contains("system_cpu_count")
                .contains("hikaricp_connections_active{pool=\"chat-h2\"}")
                .contains("chat_queue_entries{shard=\"0\",stage=\"persist\"}")
                .contains("chat_queue_oldest_age_seconds{shard=\"0\",stage=\"persist\"}");
    }

    private String scrape() {
        HttpResponse<String> response = http.get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        return response.body();
    }
}
