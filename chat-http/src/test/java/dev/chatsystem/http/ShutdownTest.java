package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.Health;
import dev.chatsystem.core.testing.Await;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        Javalin server = serverWithSlowHealth(handling, answer);
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

    /**
     * A request on a connection opened before the stop, arriving while it waits for another, is refused as every 503
     * is: with Retry-After, so that the client goes to another instance or tries again.
     */
    @Test
    void aRequestArrivingDuringTheStopIsA503WithRetryAfter() throws Exception {
        CountDownLatch handling = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        Javalin server = serverWithSlowHealth(handling, answer);
        try (HttpClient client = HttpClient.newHttpClient();
                Socket keptAlive = new Socket("127.0.0.1", server.port())) {
            keptAlive.setSoTimeout(10_000);
            String nothing = "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n";
            keptAlive.getOutputStream().write(nothing.getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponse(keptAlive)).startsWith("HTTP/1.1 404");
            CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/health"))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(handling.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> stopping = Await.blockedIn(server::stop, Duration.ofSeconds(10));

            keptAlive.getOutputStream().write(nothing.getBytes(StandardCharsets.US_ASCII));
            String refused = readResponse(keptAlive);

            assertThat(refused).startsWith("HTTP/1.1 503").containsIgnoringCase("Retry-After: 1");
            answer.countDown();
            assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            stopping.get(10, TimeUnit.SECONDS);
        } finally {
            answer.countDown();
            server.stop();
        }
    }

    /** A server whose health check counts {@code handling} down, then waits for {@code answer}, as a slow backend. */
    private static Javalin serverWithSlowHealth(CountDownLatch handling, CountDownLatch answer) {
        Health up = new Health(List.of(BackendStatus.up("store", "h2")));
        return ChatServer.start(
                HealthOnlySystem.answering(() -> {
                    handling.countDown();
                    answer.await(); // a backend call that takes its time
                    return up;
                }),
                0);
    }

    /** One response's head and its body of Content-Length bytes, as text. */
    private static String readResponse(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
        if (length.find()) {
            text += new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
        }
        return text;
    }
}
