package dev.chatsystem.http;

import static dev.chatsystem.http.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Idempotency-Key header on every create, over HTTP on the embedded default. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyKeyTest {
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
    void twentyParallelRetriesCreateOneMessageAndAnswerIdentically() throws Exception {
        String token = http.newApplication("retries");
        long chat = http.newChat(token);
        String path = "/api/v1/applications/" + token + "/chats/" + chat + "/messages";
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(pool.submit(() -> post(path, "{\"body\":\"hello\"}", "retry-42")));
        }
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (Future<HttpResponse<String>> future : futures) {
            responses.add(future.get());
        }
        pool.shutdown();

        assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(201);
        assertThat(responses).extracting(r -> json(r)).containsOnly(json(responses.get(0)));
        assertThat(responses)
                .filteredOn(r -> r.headers().firstValue("Idempotency-Replayed").isEmpty())
                .hasSize(1);
        assertThat(json(responses.get(0)).get("message_number").asLong()).isEqualTo(1);
        assertThat(http.newMessage(token, chat, "no key")).isEqualTo(2); // no gap
    }

    @Test
    void sameKeyWithAnotherBodyIs422AndAnotherChatIsIndependent() {
        String token = http.newApplication("mismatch");
        long first = http.newChat(token);
        long second = http.newChat(token);
        String base = "/api/v1/applications/" + token + "/chats/";
        assertThat(post(base + first + "/messages", "{\"body\":\"a\"}", "k").statusCode())
                .isEqualTo(201);

        HttpResponse<String> mismatch = post(base + first + "/messages", "{\"body\":\"b\"}", "k");
        assertThat(mismatch.statusCode()).isEqualTo(422);
        assertThat(mismatch.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        HttpResponse<String> elsewhere = post(base + second + "/messages", "{\"body\":\"b\"}", "k");
        assertThat(elsewhere.statusCode()).isEqualTo(201);
        assertThat(elsewhere.headers().firstValue("Idempotency-Replayed")).isEmpty();
    }

    @Test
    void chatsAndApplicationsReplayWithTheHeader() {
        String appKey = "5d0e9a3c-7f21-4c8b-b6e4-1a9f3c2d8e70";
        HttpResponse<String> app = post("/api/v1/applications", "{\"name\":\"once\"}", appKey);
        HttpResponse<String> appAgain = post("/api/v1/applications", "{\"name\":\"once\"}", appKey);
        assertThat(appAgain.statusCode()).isEqualTo(201);
        assertThat(appAgain.headers().firstValue("Idempotency-Replayed")).hasValue("true");
        assertThat(json(appAgain)).isEqualTo(json(app));

        String token = json(app).get("token").asText();
        HttpResponse<String> chat = post("/api/v1/applications/" + token + "/chats", "", "chat-key");
        HttpResponse<String> chatAgain = post("/api/v1/applications/" + token + "/chats", "", "chat-key");
        assertThat(json(chatAgain)).isEqualTo(json(chat));
        assertThat(chatAgain.headers().firstValue("Location"))
                .isEqualTo(chat.headers().firstValue("Location"));
        assertThat(http.newChat(token)).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void invalidKeysAre400(String key) {
        String token = http.newApplication("bad keys");
        assertThat(post("/api/v1/applications/" + token + "/chats", "", key).statusCode())
                .isEqualTo(400);
    }

    /**
     * A proxy joins repeated header lines with commas ("a, b"), so a key with a comma may be two: refused unless it is
     * inside a quoted string (the draft's Structured Field form), which must then be the whole value.
     */
    @ParameterizedTest
    @ValueSource(strings = {"a, b", "a,b", ",", "\"a\", \"b\"", "\"a\",b", "\"a", "\"a\\b\"", "\"\""})
    void keysThatMayBeTwoOrAreBadlyQuotedAre400(String key) throws Exception {
        String token = http.newApplication("joined keys");
        long chat = http.newChat(token);

        HttpResponse<String> refused =
                post("/api/v1/applications/" + token + "/chats/" + chat + "/messages", "{\"body\":\"a\"}", key);

        assertThat(refused.statusCode()).as(key).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(refused).get("detail").asText()).startsWith("Idempotency-Key ");
        assertThat(http.newMessage(token, chat, "no key")).isEqualTo(1); // the refused create took no number
    }

    @Test
    void aQuotedKeyMayHoldACommaAndReplays() {
        String token = http.newApplication("quoted keys");
        long chat = http.newChat(token);
        String path = "/api/v1/applications/" + token + "/chats/" + chat + "/messages";
        String key = "\"a, b \\\"c\\\"\"";

        HttpResponse<String> created = post(path, "{\"body\":\"a\"}", key);
        HttpResponse<String> replayed = post(path, "{\"body\":\"a\"}", key);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(replayed.headers().firstValue("Idempotency-Replayed")).hasValue("true");
        assertThat(json(replayed)).isEqualTo(json(created));
        assertThat(post(path, "{\"body\":\"a\"}", "\"a, c\"").headers().firstValue("Idempotency-Replayed"))
                .isEmpty();
    }

    @Test
    void guessableApplicationKeysAre400() {
        HttpResponse<String> refused = post("/api/v1/applications", "{\"name\":\"Support\"}", "signup-42");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("at least 32 characters");
    }

    @Test
    void overlongKeysAre400() {
        assertThat(post("/api/v1/applications", "{\"name\":\"x\"}", "k".repeat(256))
                        .statusCode())
                .isEqualTo(400);
    }

    private HttpResponse<String> post(String path, String body, String key) {
        return http.send(HttpRequest.newBuilder(http.uri(path))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
