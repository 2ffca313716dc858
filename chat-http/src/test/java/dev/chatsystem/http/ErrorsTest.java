package dev.chatsystem.http;

import static dev.chatsystem.http.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every failure is an RFC 9457 problem with the status the error mapping promises. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorsTest {
    TestServer http;
    String token;
    String chat;

    @BeforeAll
    void start(@TempDir Path dataDir) throws Exception {
        http = TestServer.start(dataDir);
        token = http.newApplication("errors");
        chat = "/api/v1/applications/" + token + "/chats/" + http.newChat(token);
        http.newMessage(token, 1, "hello");
    }

    @AfterAll
    void stop() {
        http.close();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "not json",
                "{",
                "{\"name\":",
                "[]",
                "[{\"name\":\"x\"}]",
                "\"name\"",
                "5",
                "null",
                "{}",
                "{\"name\":5}",
                "{\"name\":null}",
                "{\"name\":{}}",
                "{\"name\":[\"x\"]}",
                "{\"name\":true}",
                "{\"name\":\"\"}",
                "{\"name\":\"   \"}",
                "{\"name\":\"\\u00a0\"}", // a no-break space, which String.isBlank() does not know
                "{\"name\":\"\\u200b\"}", // a zero-width space
                "{\"name\":\"x\"} trailing",
                "{\"nom\":\"x\"}"
            })
    void rejectsBadApplicationBodies(String body) {
        assertProblem(http.post("/api/v1/applications", body), 400);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "{}",
                "{\"body\":1}",
                "{\"body\":null}",
                "{\"body\":\"  \"}",
                "{\"body\":\"\\u00a0\"}",
                "{\"body\":\"\\u200b\\u2060\"}",
                "[\"body\"]",
                "{\"body\":"
            })
    void rejectsBadMessageBodies(String body) {
        assertProblem(http.post(chat + "/messages", body), 400);
        assertProblem(http.put(chat + "/messages/1", body), 400);
    }

    @Test
    void rejectsANameThatIsTooLong() {
        assertProblem(http.post("/api/v1/applications", "{\"name\":\"" + "x".repeat(256) + "\"}"), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0", "-1", "+1", "1.5", "1e3", "99999999999999999999", "%20", "0x10"})
    void rejectsBadNumbersInThePath(String number) {
        assertProblem(http.get("/api/v1/applications/" + token + "/chats/" + number), 400);
        assertProblem(http.get(chat + "/messages/" + number), 400);
        assertProblem(
                http.post("/api/v1/applications/" + token + "/chats/" + number + "/messages", "{\"body\":\"x\"}"), 400);
    }

    /** Chat and message numbers and limit start at 1: the sentence says so, for 0 too; after may be 0. */
    @ParameterizedTest
    @ValueSource(strings = {"-1", "0", "x"})
    void aRefusedNumberSaysWhichNumbersAreAllowed(String number) {
        String was = ", was '" + number + "'";
        assertThat(detail(http.get("/api/v1/applications/" + token + "/chats/" + number)))
                .isEqualTo("chat_number must be a positive whole number" + was);
        assertThat(detail(http.get(chat + "/messages/" + number)))
                .isEqualTo("message_number must be a positive whole number" + was);
        assertThat(detail(http.get(chat + "/messages?limit=" + number)))
                .isEqualTo("limit must be a positive whole number" + was);
        if (!number.equals("0")) {
            assertThat(detail(http.get(chat + "/messages?after=" + number)))
                    .isEqualTo("after must be a non-negative whole number" + was);
        }
    }

    private static String detail(HttpResponse<String> response) {
        return assertProblem(response, 400).get("detail").asText();
    }

    @Test
    void reportsWhatDoesNotExist() {
        JsonNode problem = assertProblem(http.get("/api/v1/applications/no-such-token"), 404);
        assertThat(problem.get("type").asText()).isEqualTo("https://chat-system.dev/problems/not-found");
        assertProblem(http.put("/api/v1/applications/no-such-token", "{\"name\":\"x\"}"), 404);
        assertProblem(http.post("/api/v1/applications/no-such-token/chats", ""), 404);
        assertProblem(http.get("/api/v1/applications/no-such-token/chats"), 404);
        assertProblem(http.get("/api/v1/applications/" + token + "/chats/999"), 404);
        assertProblem(http.get("/api/v1/applications/" + token + "/chats/999/messages"), 404);
        assertProblem(http.get(chat + "/messages/999"), 404);
        assertProblem(http.put(chat + "/messages/999", "{\"body\":\"x\"}"), 404);
        assertProblem(http.get("/api/v1/applications/" + token + "/chats/999/messages/search?query=x"), 404);
    }

    /** What a problem repeats of the request is sent as UTF-8, as JSON must be, not as Latin-1 or '?'. */
    @Test
    void problemsAreUtf8() {
        JsonNode problem = assertProblem(http.get("/api/v1/applications/%C3%A9%E2%82%AC"), 404);
        assertThat(problem.get("detail").asText()).contains("\u00e9\u20ac");
    }

    @Test
    void anOverlongUtf8BodyIsA400() {
        byte[] body = {'{', '"', 'b', 'o', 'd', 'y', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(http.uri(chat + "/messages"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

        assertThat(assertProblem(response, 400).get("detail").asText()).contains("not well-formed UTF-8");
    }

    /**
     * JSON is UTF-8: Jackson guessed UTF-16 and UTF-32 from their zero bytes, so an ASCII name was taken (201) while
     * a name with an accent was refused as UTF-8 that is not well-formed. Either is a 400 now.
     */
    @ParameterizedTest
    @ValueSource(strings = {"UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32BE", "UTF-32LE"})
    void aBodyInUtf16OrUtf32IsA400(String charset) {
        for (String name : new String[] {"x", "caf\u00e9", "\u20ac"}) {
            byte[] body = ("{\"name\":\"" + name + "\"}").getBytes(java.nio.charset.Charset.forName(charset));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(http.uri("/api/v1/applications"))
                    .header("Content-Type", "application/json; charset=" + charset)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

            assertThat(assertProblem(response, 400).get("detail").asText())
                    .isEqualTo("the request body is not valid JSON: it holds a zero byte, which UTF-8 JSON never does"
                            + " (a body must be UTF-8, not UTF-16 or UTF-32; a U+0000 in a string is written \\u0000)");
        }
    }

    /** Nothing here decodes a content coding: such a body is refused as such, not read as JSON as it came. */
    @ParameterizedTest
    @ValueSource(strings = {"gzip", "br", "GZIP, identity", "x-anything"})
    void aBodyInAContentCodingIsA415(String coding) throws Exception {
        java.io.ByteArrayOutputStream gzipped = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(gzipped)) {
            out.write("{\"body\":\"zipped\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        for (byte[] body : java.util.List.of(gzipped.toByteArray(), "{\"body\":\"plain\"}".getBytes())) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(http.uri(chat + "/messages"))
                    .header("Content-Type", "application/json")
                    .header("Content-Encoding", coding)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

            assertThat(assertProblem(response, 415).get("detail").asText()).contains("Content-Encoding");
            assertThat(response.headers().firstValue("Accept-Encoding")).hasValue("identity");
        }
        HttpResponse<String> identity = http.send(HttpRequest.newBuilder(http.uri(chat + "/messages"))
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "identity")
                .POST(HttpRequest.BodyPublishers.ofString("{\"body\":\"as it is\"}")));
        assertThat(identity.statusCode()).isEqualTo(201);
    }

    @Test
    void unknownPathsAre404Problems() {
        JsonNode problem = assertProblem(http.get("/nope"), 404);
        assertThat(problem.get("type").asText()).isEqualTo("about:blank");
        assertProblem(http.get("/api/v2/applications"), 404);
        assertProblem(http.get(chat + "/messages/1/extra"), 404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/applications/%FF", "/api/v1/applications/x/chats/%00", "/%C0%AF"})
    void malformedUrisAre400Problems(String path) {
        assertProblem(http.get(path), 400);
    }

    @Test
    void wrongMethodsOnKnownPathsAre405ProblemsThatSayWhatIsAllowed() {
        assertMethodNotAllowed(http.send("DELETE", "/api/v1/applications/" + token, ""), "GET", "HEAD", "PUT");
        assertMethodNotAllowed(http.send("M1", "/api/v1/applications/" + token, ""), "GET", "HEAD", "PUT");
        assertMethodNotAllowed(http.get("/api/v1/applications"), "POST");
        assertMethodNotAllowed(http.send("PATCH", chat + "/messages/1", "{}"), "GET", "HEAD", "PUT");
        assertMethodNotAllowed(http.post("/health", "{}"), "GET", "HEAD");
        assertMethodNotAllowed( // Javalin words its 405 differently for browsers
                http.send(HttpRequest.newBuilder(http.uri("/health"))
                        .header("Accept", "text/html")
                        .POST(HttpRequest.BodyPublishers.noBody())),
                "GET",
                "HEAD");
    }

    @Test
    void searchIsReadOnlyThoughItsPathFitsTheMessageTemplate() {
        // "search" would match {message_number}, where PUT is routed: it must not be taken for a message number.
        assertMethodNotAllowed(http.put(chat + "/messages/search", "{\"body\":\"x\"}"), "GET", "HEAD");
        assertMethodNotAllowed(http.send("DELETE", chat + "/messages/search", ""), "GET", "HEAD");
        assertMethodNotAllowed(http.post(chat + "/messages/search", "{\"body\":\"x\"}"), "GET", "HEAD");
        assertThat(http.get(chat + "/messages/search?query=hello").statusCode()).isEqualTo(200);
    }

    /** RFC 9110 §15.5.6: a 405 lists the target's methods in {@code Allow}. */
    private static void assertMethodNotAllowed(HttpResponse<String> response, String... allowed) {
        JsonNode problem = assertProblem(response, 405);
        assertThat(response.headers().firstValue("Allow"))
                .hasValueSatisfying(allow -> assertThat(allow.split(", ")).containsExactlyInAnyOrder(allowed));
        assertThat(problem.get("detail").asText())
                .contains(response.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void bodiesOverOneMebibyteAre413Problems() {
        String big = "{\"name\":\"" + "x".repeat((int) ChatServer.MAX_REQUEST_SIZE) + "\"}";
        // Expect: 100-continue lets the server refuse before the body is sent, as a well-behaved client would;
        // otherwise the client may still be uploading when the server answers and closes the connection.
        for (String path : new String[] {"/api/v1/applications", "/api/v1/applications/" + token + "/chats"}) {
            assertProblem(
                    http.send(HttpRequest.newBuilder(http.uri(path))
                            .expectContinue(true)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(big))),
                    413);
        }
    }

    @Test
    void messageBodiesOverTheLibraryLimitAre400Problems() {
        String body = "{\"body\":\"" + "x".repeat(65_536) + "\"}";
        assertProblem(http.post(chat + "/messages", body), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1001", "-1", "abc", "", "1.5", "99999999999999999999"})
    void rejectsBadLimits(String limit) {
        assertProblem(http.get("/api/v1/applications/" + token + "/chats?limit=" + limit), 400);
        assertProblem(http.get(chat + "/messages?limit=" + limit), 400);
        assertProblem(http.get(chat + "/messages/search?query=x&limit=" + limit), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "abc", "", "99999999999999999999"})
    void rejectsBadAfters(String after) {
        assertProblem(http.get("/api/v1/applications/" + token + "/chats?after=" + after), 400);
    }

    /** Search answers a single page without Link: an after it ignored gave the first page again and again. */
    @ParameterizedTest
    @ValueSource(strings = {"3", "0", "-5", ""})
    void searchTakesNoAfter(String after) {
        HttpResponse<String> refused = http.get(chat + "/messages/search?query=hello&after=" + after);
        HttpResponse<String> page = http.get(chat + "/messages/search?query=hello&limit=1");

        assertThat(assertProblem(refused, 400).get("detail").asText())
                .isEqualTo("search returns one page of at most limit results; it takes no after");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(json(page)).hasSize(1);
        assertThat(page.headers().firstValue("Link")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "?query=", "?query=%20%20", "?other=x"})
    void searchNeedsAQuery(String queryString) {
        assertProblem(http.get(chat + "/messages/search" + queryString), 400);
    }

    /** No-break spaces (U+00A0, U+2007, U+202F) and the zero width space are blank, as they are in a body. */
    @ParameterizedTest
    @ValueSource(strings = {"%C2%A0", "%E2%80%87", "%E2%80%AF", "%E2%80%8B", "%20%C2%A0%E2%80%8B"})
    void aQueryOfInvisibleSpacesIsBlank(String query) {
        assertThat(assertProblem(http.get(chat + "/messages/search?query=" + query), 400)
                        .get("detail")
                        .asText())
                .isEqualTo("query is required and must not be blank");
    }

    @Test
    void aSearchOfTooManyOrTooLongWordsIsA400NotAPartialAnswer() {
        String words = java.util.stream.IntStream.rangeClosed(1, 33)
                .mapToObj(i -> "w" + i)
                .collect(java.util.stream.Collectors.joining("+"));
        assertProblem(http.get(chat + "/messages/search?query=" + words), 400);
        assertProblem(http.get(chat + "/messages/search?query=" + "a".repeat(101)), 400);
        assertThat(http.get(chat + "/messages/search?query=" + "a".repeat(100)).statusCode())
                .isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"",
                "(",
                ")",
                "[",
                "]",
                "{",
                "}",
                "\\",
                "*",
                "?",
                "~",
                ":",
                "^",
                "/",
                "!",
                "&&",
                "||",
                "+",
                "-",
                "AND",
                "OR",
                "NOT",
                "hello*",
                "*hello",
                "he?lo",
                "\"unterminated",
                "a:b",
                "field:value",
                "x~2",
                "((",
                "[a TO z]",
                "{a TO z}",
                "%",
                "'",
                ";",
                "💬",
                "\u0000"
            })
    void searchSurvivesQuerySyntax(String query) {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(http.uri(chat + "/messages/search?query="
                        + java.net.URLEncoder.encode(query, java.nio.charset.StandardCharsets.UTF_8)))
                .GET());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 400);
        if (response.statusCode() == 200) {
            assertThat(json(response).isArray()).isTrue();
        } else {
            assertProblem(response, 400);
        }
    }

    static JsonNode assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json(response);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("type").asText()).isNotBlank();
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("detail").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return problem;
    }
}
