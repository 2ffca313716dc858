package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Health;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code GET /health} while a backend is slow: one check serves the probes waiting for it, and nothing else waits. */
class HealthHandlerTest {
    private final AtomicInteger checks = new AtomicInteger();
    private final CountDownLatch checking = new CountDownLatch(1);
    private final CountDownLatch backendAnswers = new CountDownLatch(1);

    @Test
    void probesWaitingForASlowCheckShareItAndDoNotHoldUpOtherRequests() throws Exception {
        Javalin server = ChatServer.start(slowHealthSystem(), 0);
        try (HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // a connection per probe, all in flight at once
                .build()) {
            // More probes than the virtual threads' carriers (one per core): had they pinned their carriers while
            // waiting (synchronized on JDK 21 to 23), no other request could run until the backend answered. JDK 24
            // and later no longer pin there, so on them this part holds either way.
            int probes = Runtime.getRuntime().availableProcessors() + 2;
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < probes; i++) {
                answers.add(client.sendAsync(request(server, "/health"), HttpResponse.BodyHandlers.ofString()));
            }
            assertThat(checking.await(10, TimeUnit.SECONDS)).isTrue();

            HttpResponse<String> other =
                    client.send(request(server, "/no/such/path"), HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).isEqualTo(404);
            assertThat(answers).noneMatch(CompletableFuture::isDone);

            backendAnswers.countDown();
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            assertThat(checks).hasValue(1);
        } finally {
            backendAnswers.countDown();
            server.stop();
        }
    }

    @Test
    void aDownBackendsDriverTextStaysInTheLog() throws Exception {
        String driver = "Access denied for user 'chat'@'10.0.3.7' (using password: YES)";
        Health health = new Health(List.of(
                BackendStatus.down("store", "mysql", driver),
                BackendStatus.warning(
                        "search", "elasticsearch", "documents of an older layout: run chat-cli reindex")));
        Javalin server = ChatServer.start(HealthOnlySystem.answering(() -> health), 0);
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response =
                    client.send(request(server, "/health"), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(response.body())
                    .doesNotContain("Access denied", "10.0.3.7")
                    .contains(HealthResponse.DOWN, "run chat-cli reindex");

            HttpResponse<String> live =
                    client.send(request(server, "/health/live"), HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).as("the process still serves").isEqualTo(200);
            assertThat(live.body()).isEqualTo("{\"status\":\"up\"}");
        } finally {
            server.stop();
        }
    }

    /** A restart is the liveness probe's remedy: only what stopped for good takes the process out, not a backend. */
    @Test
    void liveIsDownOnlyWhenSomethingStoppedForGood() throws Exception {
        Health writerDown = new Health(List.of(BackendStatus.down("writes", "group-commit", "writer stopped")));
        Javalin server =
                ChatServer.start(HealthOnlySystem.answering(() -> writerDown, () -> Optional.of("writer stopped")), 0);
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> live =
                    client.send(request(server, "/health/live"), HttpResponse.BodyHandlers.ofString());

            assertThat(live.statusCode()).isEqualTo(503);
            assertThat(live.body()).contains("\"status\":\"down\"", "writer stopped: restart the process");
        } finally {
            server.stop();
        }
    }

    private static HttpRequest request(Javalin server, String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    /** A chat system whose health check blocks until the test lets it answer; everything else fails. */
    private ChatSystem slowHealthSystem() {
        Health up = new Health(List.of(BackendStatus.up("store", "h2")));
        return HealthOnlySystem.answering(() -> {
            checks.incrementAndGet();
            checking.countDown();
            backendAnswers.await(); // a backend call that takes its time
            return up;
        });
    }
}
