package dev.chatsystem.http;

import static dev.chatsystem.http.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every route's happy path: status, headers and the snake_case shape without internal ids. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutesTest {
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
    void headAnswersWhatGetWouldWithoutTheBody() {
        String token = http.newApplication("head");
        long chat = http.newChat(token);
        for (String path : List.of(
                "/api/v1/applications/" + token,
                "/api/v1/applications/" + token + "/chats/" + chat,
                "/api/v1/applications/" + token + "/chats/" + chat + "/messages",
                "/api/v1/applications/" + token + "/chats/9",
                "/api/v1/applications/no-such-token",
                "/health",
                "/health/live")) {
            HttpResponse<String> get = http.get(path);
            HttpResponse<String> head = http.send(
                    java.net.http.HttpRequest.newBuilder(http.uri(path)).method("HEAD", noBody()));

            assertThat(head.statusCode()).as("HEAD %s", path).isEqualTo(get.statusCode());
            assertThat(head.headers().firstValue("Content-Type"))
                    .isEqualTo(get.headers().firstValue("Content-Type"));
            assertThat(head.body()).isEmpty();
        }
    }

    private static java.net.http.HttpRequest.BodyPublisher noBody() {
        return java.net.http.HttpRequest.BodyPublishers.noBody();
    }

    @Test
    void createsShowsAndRenamesAnApplication() {
        HttpResponse<String> created = http.post("/api/v1/applications", "{\"name\":\"  Acme  \",\"extra\":1}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode app = json(created);
        assertThat(fieldNames(app)).containsExactlyInAnyOrder("token", "name", "chats_count", "created_at");
        String token = app.get("token").asText();
        assertThat(app.get("name").asText()).isEqualTo("Acme");
        assertThat(app.get("chats_count").asLong()).isZero();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/applications/" + token);

        HttpResponse<String> shown = http.get("/api/v1/applications/" + token);
        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(json(shown)).isEqualTo(app);

        HttpResponse<String> renamed = http.put("/api/v1/applications/" + token, "{\"name\":\"Globex\"}");
        assertThat(renamed.statusCode()).isEqualTo(200);
        assertThat(json(renamed).get("name").asText()).isEqualTo("Globex");
        assertThat(json(renamed).get("token").asText()).isEqualTo(token);
        assertThat(json(http.get("/api/v1/applications/" + token)).get("name").asText())
                .isEqualTo("Globex");
    }

    @Test
    void routesByTheRequestLineIgnoringMethodOverrideHeaders() {
        String token = http.newApplication("Original");
        String path = "/api/v1/applications/" + token;

        HttpResponse<String> get = http.send(withOverride(path, "GET", "PUT", "{\"name\":\"Renamed\"}"));
        HttpResponse<String> head =
                http.send(withOverride("/api/v1/applications", "HEAD", "POST", "{\"name\":\"Created\"}"));
        HttpResponse<String> post = http.send(withOverride("/api/v1/applications", "POST", "GET", "{\"name\":\"x\"}"));

        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(json(get).get("name").asText()).isEqualTo("Original");
        assertThat(json(http.get(path)).get("name").asText()).isEqualTo("Original");
        assertThat(head.statusCode()).isEqualTo(405);
        assertThat(post.statusCode()).isEqualTo(201);
    }

    private java.net.http.HttpRequest.Builder withOverride(String path, String method, String override, String json) {
        return java.net.http.HttpRequest.newBuilder(http.uri(path))
                .header("Content-Type", "application/json")
                .header("X-HTTP-Method-Override", override)
                .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(json));
    }

    @Test
    void createsListsAndShowsChats() {
        String token = http.newApplication("chats");
        for (String body : new String[] {"", "{}"}) {
            HttpResponse<String> created = http.post("/api/v1/applications/" + token + "/chats", body);
            assertThat(created.statusCode()).isEqualTo(201);
            JsonNode chat = json(created);
            assertThat(fieldNames(chat)).containsExactlyInAnyOrder("chat_number", "messages_count", "created_at");
            assertThat(chat.get("messages_count").asLong()).isZero();
            assertThat(created.headers().firstValue("Location"))
                    .hasValue("/api/v1/applications/" + token + "/chats/"
                            + chat.get("chat_number").asLong());
        }

        HttpResponse<String> list = http.get("/api/v1/applications/" + token + "/chats");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(json(list).findValuesAsText("chat_number")).containsExactly("1", "2");
        assertThat(list.headers().firstValue("Link")).isEmpty();

        HttpResponse<String> shown = http.get("/api/v1/applications/" + token + "/chats/2");
        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(json(shown).get("chat_number").asLong()).isEqualTo(2);
        assertThat(json(http.get("/api/v1/applications/" + token))
                        .get("chats_count")
                        .asLong())
                .isEqualTo(2);
    }

    @Test
    void createsListsShowsAndEditsMessages() throws Exception {
        String token = http.newApplication("messages");
        long chat = http.newChat(token);
        String messages = "/api/v1/applications/" + token + "/chats/" + chat + "/messages";

        HttpResponse<String> created = http.post(messages, "{\"body\":\"hello world\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode message = json(created);
        assertThat(fieldNames(message))
                .containsExactlyInAnyOrder("message_number", "chat_number", "body", "created_at", "updated_at");
        assertThat(message.get("message_number").asLong()).isEqualTo(1);
        assertThat(message.get("chat_number").asLong()).isEqualTo(chat);
        assertThat(message.get("body").asText()).isEqualTo("hello world");
        assertThat(created.headers().firstValue("Location")).hasValue(messages + "/1");
        http.newMessage(token, chat, "second");

        HttpResponse<String> list = http.get(messages);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(json(list).findValuesAsText("message_number")).containsExactly("1", "2");

        HttpResponse<String> shown = http.get(messages + "/2");
        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(json(shown).get("body").asText()).isEqualTo("second");

        HttpResponse<String> edited = http.put(messages + "/2", "{\"body\":\"second, edited\"}");
        assertThat(edited.statusCode()).isEqualTo(200);
        assertThat(json(edited).get("body").asText()).isEqualTo("second, edited");
        assertThat(json(http.get(messages + "/2")).get("body").asText()).isEqualTo("second, edited");
        assertThat(json(http.get("/api/v1/applications/" + token + "/chats/" + chat))
                        .get("messages_count")
                        .asLong())
                .isEqualTo(2);
    }

    @Test
    void searchesMessagesOfOneChat() throws Exception {
        String token = http.newApplication("search");
        long chat = http.newChat(token);
        http.newMessage(token, chat, "the quick brown fox");
        http.newMessage(token, chat, "lazy dogs sleep");
        http.newMessage(token, chat, "Quick thinking");
        long other = http.newChat(token);
        http.newMessage(token, other, "quick elsewhere");

        HttpResponse<String> found =
                http.get("/api/v1/applications/" + token + "/chats/" + chat + "/messages/search?query=quick");
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(json(found).findValuesAsText("body"))
                .containsExactlyInAnyOrder("the quick brown fox", "Quick thinking");
        assertThat(json(found).findValuesAsText("chat_number")).containsOnly(String.valueOf(chat));

        HttpResponse<String> none =
                http.get("/api/v1/applications/" + token + "/chats/" + chat + "/messages/search?query=zebra");
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(json(none).isArray()).isTrue();
        assertThat(json(none)).isEmpty();
    }

    @Test
    void reportsHealth() {
        HttpResponse<String> health = http.get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode body = json(health);
        assertThat(body.get("status").asText()).isEqualTo("up");
        assertThat(body.get("backends")).isNotEmpty();
        for (JsonNode backend : body.get("backends")) {
            assertThat(fieldNames(backend)).containsExactlyInAnyOrder("name", "kind", "up", "detail");
            assertThat(backend.get("up").asBoolean()).isTrue();
        }
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
