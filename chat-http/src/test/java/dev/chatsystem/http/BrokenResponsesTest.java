package dev.chatsystem.http;

import static dev.chatsystem.http.ErrorsTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * A response that fails part way never reaches the client as a whole one: while none of it was sent, the failure is
 * answered as any other (a 500 problem); once some was, the connection is cut. A failure that is the client's (it
 * left, or read too slowly) is no error of the server's. The failures are staged on a server with only the error
 * mapping and routes that fail as told, since nothing the chat system returns fails to serialize.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokenResponsesTest {
    Javalin server;
    HttpClient client;
    ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    void start() {
        JsonResponses responses = new JsonResponses(ChatServer.objectMapper(), 1_500);
        server = Javalin.create(config -> {
                    config.startup.showJavalinBanner = false;
                    Problems.install(config);
                    // The items, then a value whose getter fails.
                    config.routes.get("/failing/{items}", ctx -> {
                        List<Object> value = new ArrayList<>();
                        Random random = new Random(1);
                        for (int i = Integer.parseInt(ctx.pathParam("items")); i > 0; i--) {
                            byte[] bytes = new byte[500]; // as hex, 1 KB that gzip only halves
                            random.nextBytes(bytes);
                            value.add(HexFormat.of().formatHex(bytes));
                        }
                        value.add(new Failing());
                        responses.stream(ctx, value);
                    });
                    // What a streamed body's write throws when Jetty gives up on a slow reader, once 64 KB went out.
                    config.routes.get("/timed-out", ctx -> {
                        ctx.res().getOutputStream().write(new byte[64 * 1024]);
                        throw new UncheckedIOException(
                                "could not write the response", new IOException(new TimeoutException("idle")));
                    });
                })
                .start(0);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    void stop() {
        server.stop();
        client.close();
    }

    @BeforeEach
    void recordTheLog() {
        log.list.clear();
        log.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
    }

    @AfterEach
    void stopRecording() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
    }

    /** Nothing sent yet: kept whole (0 items), or spilled to the response but still within its buffer (5 KB). */
    @ParameterizedTest
    @ValueSource(ints = {0, 5})
    void aBodyThatFailsBeforeAnyOfItWasSentIsA500Problem(int items) throws Exception {
        for (String encoding : new String[] {"gzip", "identity"}) {
            HttpResponse<String> response = client.send(
                    get("/failing/" + items).header("Accept-Encoding", encoding).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertProblem(response, 500);
            assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
        }
        assertThat(log.list).extracting(ILoggingEvent::getLevel).containsOnly(Level.ERROR);
    }

    @Test
    void aBodyThatFailsAfterSomeOfItWasSentCutsTheConnection() {
        for (String encoding : new String[] {"gzip", "identity"}) {
            assertThatThrownBy(() -> client.send(
                            get("/failing/200")
                                    .header("Accept-Encoding", encoding)
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray()))
                    .as(encoding)
                    .isInstanceOf(IOException.class);
        }
        assertThat(log.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.ERROR, Level.ERROR);
    }

    @Test
    void aWriteThatFailsOnTheClientsSideCutsTheConnectionAndIsNoError() {
        assertThatThrownBy(() -> client.send(get("/timed-out").build(), HttpResponse.BodyHandlers.ofByteArray()))
                .isInstanceOf(IOException.class);
        assertThat(log.list).extracting(ILoggingEvent::getLevel).doesNotContain(Level.ERROR, Level.WARN);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .timeout(Duration.ofSeconds(10));
    }

    /** A value whose serialization fails where it comes, after the items before it were written. */
    public static final class Failing {
        public String getValue() {
            throw new IllegalStateException("the getter failed");
        }
    }
}
