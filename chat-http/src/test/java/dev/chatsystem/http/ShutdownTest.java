package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.Health;
import dev.chatsystem.core.testing.Await;
import io.javalin.Javalin;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownTest {
    @Test
    void stopsGracefullyAndThenRefusesConnections(@TempDir Path dataDir) {
        TestServer http = TestServer.start(dataDir);
        try {
            Server jetty = http.server.jettyServer().server();
            assertThat(jetty.getHandler()).isInstanceOf(GracefulHandler.class);
            assertThat(jetty.getStopTimeout()).isEqualTo(ChatServer.STOP_TIMEOUT_MILLIS);
            assertThat(http.get("/health").statusCode()).isEqualTo(200);
        } finally {
            http.close();
        }
        assertThatThrownBy(() -> http.get("/health")).isInstanceOf(UncheckedIOException.class);
    }

    /** A stop lets the requests in flight finish before the server closes, and takes no new ones meanwhile. */
    @Test
    void aStopWaitsForTheRequestsInFlight() throws Exception {
        CountDownLatch handling = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        Health up = new Health(List.of(BackendStatus.up("store", "h2")));
        Javalin server = ChatServer.start(
                HealthOnlySystem.answering(() -> {
                    handling.countDown();
                    answer.await(); // a backend call that takes its time
                    return up;
                }),
                0);
        try (HttpClient client = HttpClient.newHttpClient()) {
            URI health = URI.create("http://localhost:" + server.port() + "/health");
            CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                    HttpRequest.newBuilder(health)
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(handling.await(10, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<Void> stopping = Await.blockedIn(server::stop, Duration.ofSeconds(10));
            assertThat(stopping).as("the stop waits for the request").isNotDone();
            answer.countDown();

            assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            stopping.get(10, TimeUnit.SECONDS);
        } finally {
            answer.countDown();
            server.stop();
        }
    }
}
