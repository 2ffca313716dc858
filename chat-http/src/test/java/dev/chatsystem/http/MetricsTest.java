package dev.chatsystem.http;

import static dev.chatsystem.http.PrometheusText.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.ChatConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of a server wired as {@link Main} wires it: Prometheus text with request timers by route
 * template, JVM, pool and queue gauges, and the meters of the writer's batches and of reconciliations.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsTest {
    TestServer http;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        http = TestServer.startLikeMain(ChatConfig.embedded(dataDir));
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
    void labelsRequestsWithTheRealMethodFromAFixedSet() {
        String token = http.newApplication("Methods");
        for (int i = 0; i < 5; i++) {
            http.send("M" + i, "/api/v1/applications/" + token, "");
        }
        http.send(java.net.http.HttpRequest.newBuilder(http.uri("/health"))
                .GET()
                .header("X-HTTP-Method-Override", "OVERRIDDEN"));

        String metrics = scrape();

        // Any token is a method to Jetty: a label per spelling would grow the registry without bound.
        assertThat(metrics)
                .contains("method=\"" + ServerMetrics.OTHER_METHOD + "\",route=\"" + ServerMetrics.UNMATCHED
                        + "\",status=\"405\"")
                .doesNotContain("method=\"M0\"")
                .doesNotContain("OVERRIDDEN");
    }

    @Test
    void tagsRequestsRefusedBeforeRoutingWithTheTemplateTheirPathFits() {
        String application = "/api/v1/applications/" + http.newApplication("Refused");
        String messages = application + "/chats/1/messages";
        String tooLarge = "x".repeat((int) ChatServer.MAX_REQUEST_SIZE + 1);
        assertThat(http.send(HttpRequest.newBuilder(http.uri(messages))
                                .expectContinue(true) // else the 413 and the close can race the upload
                                .POST(HttpRequest.BodyPublishers.ofString(tooLarge)))
                        .statusCode())
                .isEqualTo(413);
        assertThat(http.send(HttpRequest.newBuilder(http.uri(application))
                                .header("Content-Encoding", "gzip")
                                .PUT(HttpRequest.BodyPublishers.ofString("{}")))
                        .statusCode())
                .isEqualTo(415);
        // The search path fits the message template too: it is tagged as the router takes it, as search.
        assertThat(http.send(HttpRequest.newBuilder(http.uri(messages + "/search?query=x"))
                                .header("Content-Encoding", "gzip")
                                .method("GET", HttpRequest.BodyPublishers.ofString("{}")))
                        .statusCode())
                .isEqualTo(415);

        assertThat(scrape())
                .contains("method=\"POST\",route=\"" + Paths.MESSAGES + "\",status=\"413\"")
                .contains("method=\"PUT\",route=\"" + Paths.APPLICATION + "\",status=\"415\"")
                .contains("method=\"GET\",route=\"" + Paths.MESSAGE_SEARCH + "\",status=\"415\"")
                .doesNotContain("route=\"" + ServerMetrics.UNMATCHED + "\",status=\"413\"")
                .doesNotContain("route=\"" + ServerMetrics.UNMATCHED + "\",status=\"415\"");
    }

    @Test
    void timesRequestsJettyAnswersItselfAsUnmatchedAndEveryOtherRequestOnce() throws Exception {
        assertThat(http.send(HttpRequest.newBuilder(http.uri(Paths.LIVE)).HEAD())
                        .statusCode())
                .isEqualTo(200);
        // Jetty refuses the URI before Javalin sees the request.
        assertThat(rawExchange("GET /api/v1/applications/%u0041 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ");

        String refused = "http_server_requests_seconds_count{method=\"GET\",route=\"" + ServerMetrics.UNMATCHED
                + "\",status=\"400\"}";
        String metrics = awaitScrape(m -> value(m, refused) >= 1);

        assertThat(value(metrics, refused)).isEqualTo(1);
        assertThat(value(
                        metrics,
                        "http_server_requests_seconds_count{method=\"HEAD\",route=\"" + Paths.LIVE
                                + "\",status=\"200\"}"))
                .isEqualTo(1);
        // Javalin's logger timed the HEAD and every scrape: the request log must not time them again.
        assertThat(metrics).doesNotContain("route=\"" + ServerMetrics.UNMATCHED + "\",status=\"200\"");
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
                .contains("chat_queue_oldest_age_seconds{shard=\"0\",stage=\"persist\"}")
                .contains("chat_queue_entries{shard=\"0\",stage=\"index\"}")
                .contains("chat_queue_oldest_age_seconds{shard=\"0\",stage=\"index\"}");
    }

    @Test
    void exposesTheWritersAndIndexersBatchSizesAndLagAndReconcileRuns() throws Exception {
        String token = http.newApplication("Batches");
        long chat = http.newChat(token);
        for (int i = 0; i < 3; i++) {
            http.newMessage(token, chat, "batch " + i);
        }
        http.chatSystem.reconcileCounts();

        // The writer answers before it reports a batch, the indexer after it: wait for the last ones to land.
        String metrics = awaitScrape(m -> value(m, "chat_worker_lag_seconds_count{stage=\"persist\"}") >= 4
                && value(m, "chat_worker_lag_seconds_count{stage=\"index\"}") >= 3);

        assertThat(value(metrics, "chat_worker_batch_entries_count{stage=\"persist\"}"))
                .isPositive();
        assertThat(value(metrics, "chat_worker_batch_entries_sum{stage=\"persist\"}"))
                .isGreaterThanOrEqualTo(4);
        assertThat(metrics)
                .contains("chat_worker_lag_seconds_bucket{stage=\"persist\",le=\"0.001\"}")
                .contains("chat_worker_lag_seconds_max{stage=\"persist\"}");
        assertThat(value(metrics, "chat_worker_batch_entries_sum{stage=\"index\"}"))
                .isGreaterThanOrEqualTo(3);
        assertThat(value(metrics, "chat_reconcile_runs_total{outcome=\"ok\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(metrics, "chat_reconcile_runs_total{outcome=\"failed\"}"))
                .isZero();
        assertThat(value(metrics, "chat_reconcile_corrections_total")).isZero();
        assertThat(metrics).contains("chat_reconcile_duration_seconds_count");
    }

    private String awaitScrape(java.util.function.Predicate<String> ready) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        String metrics = scrape();
        while (!ready.test(metrics) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            metrics = scrape();
        }
        return metrics;
    }

    /** Sends the bytes as they are, as a client that does not encode its request line would, and reads to the close. */
    private String rawExchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", http.uri("/").getPort())) {
            socket.setSoTimeout(3_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private String scrape() {
        HttpResponse<String> response = http.get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        return response.body();
    }
}
