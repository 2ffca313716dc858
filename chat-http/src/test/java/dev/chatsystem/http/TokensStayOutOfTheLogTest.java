package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.ChatSystemClosedException;
import dev.chatsystem.core.ConfigurationException;
import io.javalin.Javalin;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * A failure the server logs names the request by its route template: the path holds the application's token, the
 * only credential for its data, and at every request of a backend outage it would go to the log.
 */
class TokensStayOutOfTheLogTest {
    private static final String TOKEN = "SeCrEtToKeNsEcReTtOkEn01";
    private static final String KEY = "secret-idempotency-key-42";
    private static final String BODY = "a secret message body";
    private static final String PATH = "/api/v1/applications/" + TOKEN + "/chats/7/messages";

    @ParameterizedTest
    @ValueSource(strings = {"backend failure", "refusal", "closed", "misconfiguration", "unexpected"})
    void aFailedRequestIsLoggedByItsRouteWithoutTheTokenKeyOrBody(String kind) throws Exception {
        Supplier<RuntimeException> failure = switch (kind) {
            case "backend failure" ->
                () -> new BackendUnavailableException("store is down", new SQLException("connection reset"));
            case "refusal" -> () -> new BackendUnavailableException("the write queue is full; retry later");
            case "closed" -> ChatSystemClosedException::new; // a request served while the server stops
            case "misconfiguration" -> () -> new ConfigurationException("the store is misconfigured");
            default -> () -> new IllegalStateException("a bug");
        };
        Logger problems = (Logger) LoggerFactory.getLogger(Problems.class);
        Level level = problems.getLevel();
        problems.setLevel(Level.DEBUG); // a refusal inside the warning's period is logged at debug
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        problems.addAppender(log);
        try {
            List<Integer> statuses =
                    List.of(post(failure).statusCode(), get(failure).statusCode());
            if (kind.equals("closed")) {
                assertThat(statuses).containsOnly(503);
            } else {
                assertThat(statuses).allSatisfy(status -> assertThat(status).isGreaterThanOrEqualTo(500));
            }
        } finally {
            problems.detachAppender(log);
            problems.setLevel(level);
        }

        assertThat(log.list).hasSize(2).allSatisfy(event -> {
            assertThat(event.getFormattedMessage()).contains(Paths.MESSAGES);
            assertThat(text(event)).doesNotContain(TOKEN, KEY, BODY);
        });
    }

    /** The event as an appender writes it: its message and every message of its chain of causes. */
    private static String text(ILoggingEvent event) {
        List<String> parts = new ArrayList<>(List.of(event.getFormattedMessage()));
        for (IThrowableProxy cause = event.getThrowableProxy(); cause != null; cause = cause.getCause()) {
            parts.add(cause.getClassName() + ": " + cause.getMessage());
        }
        return String.join("\n", parts);
    }

    private static HttpResponse<String> post(Supplier<RuntimeException> failure) throws Exception {
        return send(
                failure,
                HttpRequest.newBuilder()
                        .header("Content-Type", "application/json")
                        .header(IdempotencyHeaders.KEY, KEY)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"body\":\"" + BODY + "\"}")));
    }

    private static HttpResponse<String> get(Supplier<RuntimeException> failure) throws Exception {
        return send(failure, HttpRequest.newBuilder().GET());
    }

    /** The request, to a server over a chat system whose every call fails with {@code failure}. */
    private static HttpResponse<String> send(Supplier<RuntimeException> failure, HttpRequest.Builder request)
            throws Exception {
        ChatSystem failing = (ChatSystem) Proxy.newProxyInstance(
                ChatSystem.class.getClassLoader(), new Class<?>[] {ChatSystem.class}, (proxy, method, args) -> {
                    throw failure.get();
                });
        Javalin server = ChatServer.start(failing, 0);
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(
                    request.uri(URI.create("http://localhost:" + server.port() + PATH))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } finally {
            server.stop();
        }
    }
}
