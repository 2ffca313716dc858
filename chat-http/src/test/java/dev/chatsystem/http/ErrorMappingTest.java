package dev.chatsystem.http;

import static dev.chatsystem.http.ErrorsTest.assertProblem;
import static dev.chatsystem.http.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.ChatSystemClosedException;
import dev.chatsystem.core.ConfigurationException;
import dev.chatsystem.core.ConflictException;
import dev.chatsystem.core.Health;
import dev.chatsystem.core.IdempotencyMismatchException;
import io.javalin.Javalin;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The failures the embedded chat system rarely produces on demand (an unavailable backend, a conflict…), raised by a
 * chat system whose every call fails, to pin down the one place that maps them to HTTP.
 */
class ErrorMappingTest {
    @Test
    void backendUnavailableIs503WithRetryAfter() throws Exception {
        HttpResponse<String> response =
                getWith(() -> new BackendUnavailableException("store is down"), "/api/v1/applications/t");
        assertProblem(response, 503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(json(response).get("type").asText())
                .isEqualTo("https://chat-system.dev/problems/backend-unavailable");
    }

    @Test
    void aBackendFailureKeepsItsDriversTextFromClients() throws Exception {
        String driver = "Access denied for user 'chat'@'10.0.3.7' (using password: YES)";
        HttpResponse<String> response = getWith(
                () -> new BackendUnavailableException(
                        "mysql store could not read an application: " + driver, new java.sql.SQLException(driver)),
                "/api/v1/applications/t");
        assertProblem(response, 503);
        assertThat(response.body()).doesNotContain("Access denied", "10.0.3.7");
        assertThat(json(response).get("detail").asText()).isEqualTo(Problems.BACKEND_FAILED);

        HttpResponse<String> ours = getWith(
                () -> new BackendUnavailableException("the write queue is full (workers are behind); retry later"),
                "/api/v1/applications/t");
        assertThat(json(ours).get("detail").asText()).contains("queue is full");
    }

    /** A refusal of the server's own says all in its message; a backend's failure needs its cause in the log. */
    @Test
    void onlyABackendFailureWithACauseIsLoggedWithItsStackTrace() throws Exception {
        Logger problems = (Logger) LoggerFactory.getLogger(Problems.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        problems.addAppender(log);
        try {
            getWith(
                    () -> new BackendUnavailableException("the write queue is full (workers are behind); retry later"),
                    "/api/v1/applications/t");
            assertThat(log.list)
                    .allSatisfy(event -> assertThat(event.getThrowableProxy()).isNull());

            getWith(
                    () -> new BackendUnavailableException("store is down", new java.sql.SQLException("refused")),
                    "/api/v1/applications/t");
            assertThat(log.list)
                    .filteredOn(event -> event.getLevel() == Level.WARN && event.getThrowableProxy() != null)
                    .hasSize(1);
        } finally {
            problems.detachAppender(log);
        }
    }

    /** A server draining its requests as it stops: another instance answers the retry. */
    @Test
    void aClosedChatSystemIs503WithRetryAfterAndItsOwnSentence() throws Exception {
        HttpResponse<String> response = getWith(
                () -> new ChatSystemClosedException(new java.sql.SQLException("pool of 10.0.3.7 has been closed")),
                "/api/v1/applications/t");
        assertProblem(response, 503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(json(response).get("type").asText()).isEqualTo("https://chat-system.dev/problems/closed");
        assertThat(json(response).get("detail").asText()).isEqualTo("the chat system is closed");
        assertThat(response.body()).doesNotContain("10.0.3.7");
    }

    @Test
    void conflictIs409() throws Exception {
        assertProblem(getWith(() -> new ConflictException("duplicate"), "/api/v1/applications/t"), 409);
    }

    @Test
    void idempotencyMismatchIs422() throws Exception {
        assertProblem(getWith(() -> new IdempotencyMismatchException("reused key"), "/api/v1/applications/t"), 422);
    }

    @Test
    void configurationIs500WithoutDetails() throws Exception {
        HttpResponse<String> response =
                getWith(() -> new ConfigurationException("secret path /etc/x"), "/api/v1/applications/t");
        assertProblem(response, 500);
        assertThat(response.body()).doesNotContain("secret");
    }

    @Test
    void unexpectedExceptionsAre500WithoutStackTraces() throws Exception {
        HttpResponse<String> response =
                getWith(() -> new IllegalStateException("internal detail"), "/api/v1/applications/t/chats/1");
        assertProblem(response, 500);
        assertThat(response.body()).doesNotContain("internal detail").doesNotContain("IllegalState");
    }

    @Test
    void healthIs503WhenABackendIsDown() throws Exception {
        Health health = new Health(
                List.of(BackendStatus.up("store", "h2"), BackendStatus.down("search", "lucene", "index locked")));
        HttpResponse<String> response = get(reporting(health), "/health");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response).get("status").asText()).isEqualTo("down");
        // Why it is down goes to the server's log: the probe may be public.
        assertThat(json(response).get("backends").get(1).get("detail").asText()).isEqualTo(HealthResponse.DOWN);
    }

    @Test
    void healthIs200WithTheDetailOfABackendUpWithAWarning() throws Exception {
        Health health = new Health(List.of(
                BackendStatus.up("store", "mysql"),
                BackendStatus.warning("search", "elasticsearch", "run chat-cli reindex")));
        HttpResponse<String> response = get(reporting(health), "/health");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("status").asText()).isEqualTo("up");
        JsonNode search = json(response).get("backends").get(1);
        assertThat(search.get("up").asBoolean()).isTrue();
        assertThat(search.get("detail").asText()).isEqualTo("run chat-cli reindex");
    }

    /** A chat system that answers only its health. */
    private static ChatSystem reporting(Health health) {
        return (ChatSystem) Proxy.newProxyInstance(
                ChatSystem.class.getClassLoader(), new Class<?>[] {ChatSystem.class}, (proxy, method, args) -> {
                    if (method.getName().equals("health")) {
                        return health;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static HttpResponse<String> getWith(Supplier<RuntimeException> failure, String path) throws Exception {
        ChatSystem failing = (ChatSystem) Proxy.newProxyInstance(
                ChatSystem.class.getClassLoader(), new Class<?>[] {ChatSystem.class}, (proxy, method, args) -> {
                    throw failure.get();
                });
        return get(failing, path);
    }

    private static HttpResponse<String> get(ChatSystem chatSystem, String path) throws Exception {
        Javalin server = ChatServer.start(chatSystem, 0);
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } finally {
            server.stop();
        }
    }
}
