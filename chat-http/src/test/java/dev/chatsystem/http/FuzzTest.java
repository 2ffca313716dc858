package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Garbage in, never a server error out: random methods, paths, query strings, headers and bodies (fixed seed). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzTest {
    private static final long SEED = 20_261_122L;
    private static final int REQUESTS = 400;
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD");
    private static final List<String> SEGMENTS = List.of(
            "api",
            "v1",
            "applications",
            "chats",
            "messages",
            "search",
            "health",
            "1",
            "2",
            "0",
            "-1",
            "abc",
            "99999999999999999999",
            "%00",
            "%2F",
            "%25",
            "..",
            ".",
            "%C3%A9",
            "%FF",
            "%7Btoken%7D",
            "null",
            "");
    private static final List<String> CONTENT_TYPES = List.of(
            "application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "*/*");
    private static final List<String> BODIES = List.of(
            "",
            "{}",
            "[]",
            "null",
            "{\"name\":\"fuzz\"}",
            "{\"body\":\"fuzz\"}",
            "{\"name\":1e999}",
            "{\"body\":\"\\ud800\"}",
            "{\"name\":\"\\u0000\"}",
            "{{{{",
            "[".repeat(2000),
            "{\"a\":".repeat(500),
            "\u0000\u0001\u0002",
            "{\"name\":\"" + "é".repeat(300) + "\"}");

    TestServer http;
    String token;

    @BeforeAll
    void start(@TempDir Path dataDir) throws Exception {
        http = TestServer.start(dataDir);
        token = http.newApplication("fuzz");
        long chat = http.newChat(token);
        http.newMessage(token, chat, "fuzz target");
    }

    @AfterAll
    void stop() {
        http.close();
    }

    @Test
    void neverAnswersWithAServerError() {
        Random random = new Random(SEED);
        String previous = "";
        for (int i = 0; i < REQUESTS; i++) {
            String method = pick(random, METHODS);
            String path = path(random);
            String body = random.nextInt(4) == 0 ? randomText(random) : pick(random, BODIES);
            HttpRequest.Builder request = HttpRequest.newBuilder(http.uri(path))
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (random.nextBoolean()) {
                request.header("Content-Type", pick(random, CONTENT_TYPES));
            }
            if (random.nextBoolean()) {
                request.header("Accept", random.nextBoolean() ? "application/xml" : "*/*");
            }
            HttpResponse<String> response;
            try {
                response = http.send(request);
            } catch (java.io.UncheckedIOException closedUnderUs) {
                // HTTP/1.1 lets a server close a kept-alive connection (Jetty does after some garbage, e.g. a HEAD
                // with content); a client that picked it up for its next request just then sees no bytes, and the
                // JDK client retries only idempotent methods on its own. Retried once, on a new connection: a
                // second silence is the server's fault.
                try {
                    response = http.send(request);
                } catch (java.io.UncheckedIOException e) {
                    throw new AssertionError(
                            "no response to " + method + " " + path + " " + abbreviate(body) + " after " + previous, e);
                }
            }
            previous = method + " " + path + " " + request.build().headers().map() + " " + abbreviate(body) + " -> "
                    + response.statusCode() + " " + response.headers().map();
            assertThat(response.statusCode())
                    .as("%s %s %s -> %s", method, path, abbreviate(body), response.body())
                    .isLessThan(500);
        }
    }

    private String path(Random random) {
        StringBuilder path = new StringBuilder();
        if (random.nextInt(3) > 0) {
            path.append("/api/v1/applications/").append(random.nextBoolean() ? token : pick(random, SEGMENTS));
        }
        int extra = random.nextInt(5);
        for (int i = 0; i < extra; i++) {
            path.append('/').append(pick(random, SEGMENTS));
        }
        if (path.isEmpty()) {
            path.append('/');
        }
        if (random.nextBoolean()) {
            path.append("?query=")
                    .append(pick(random, SEGMENTS))
                    .append("&limit=")
                    .append(pick(random, SEGMENTS))
                    .append("&after=")
                    .append(pick(random, SEGMENTS));
        }
        return path.toString();
    }

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(200);
        for (int i = 0; i < length; i++) {
            text.append((char) (random.nextInt(0x3000)));
        }
        return text.toString();
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }
}
