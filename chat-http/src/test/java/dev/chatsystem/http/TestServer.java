package dev.chatsystem.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** The server started in-process on a free port over a chat system in a temporary directory, and a real client. */
final class TestServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final ChatSystem chatSystem;
    final Javalin server;
    final HttpClient client;
    final URI base;

    private TestServer(ChatSystem chatSystem) {
        this(chatSystem, ChatServer.start(chatSystem, 0));
    }

    private TestServer(ChatSystem chatSystem, Javalin server) {
        this.chatSystem = chatSystem;
        this.server = server;
        this.client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.base = URI.create("http://localhost:" + server.port());
    }

    static TestServer start(Path dataDir) {
        return new TestServer(ChatSystem.open(ChatConfig.embedded(dataDir)));
    }

    /** With {@code requestBodies} bounding the request bodies the server holds at once. */
    static TestServer start(Path dataDir, BodyBudget requestBodies) {
        ChatSystem chatSystem = ChatSystem.open(ChatConfig.embedded(dataDir));
        return new TestServer(
                chatSystem,
                ChatServer.create(chatSystem, ServerMetrics.create(), requestBodies)
                        .start(0));
    }

    /** With {@code responseBodies} bounding the message bodies the server's responses hold at once. */
    static TestServer withResponseBudget(Path dataDir, BodyBudget responseBodies) {
        ChatSystem chatSystem = ChatSystem.open(ChatConfig.embedded(dataDir));
        return new TestServer(
                chatSystem,
                ChatServer.create(chatSystem, ServerMetrics.create(), BodyBudget.quarterOfHeap(), responseBodies)
                        .start(0));
    }

    /** Wired as {@link Main} wires it: the workers report to the meters {@code GET /metrics} renders. */
    static TestServer startLikeMain(ChatConfig config) {
        ServerMetrics metrics = ServerMetrics.create();
        ChatSystem chatSystem = ChatSystem.open(metrics.instrument(config));
        return new TestServer(chatSystem, ChatServer.start(chatSystem, metrics, 0));
    }

    /** Wired as {@link Main} wires it with {@code CHAT_METRICS_TOKEN} set to {@code metricsToken}. */
    static TestServer withMetricsToken(Path dataDir, String metricsToken) {
        ServerMetrics metrics = ServerMetrics.create(MetricsAccess.of(java.util.Optional.of(metricsToken)));
        ChatSystem chatSystem = ChatSystem.open(metrics.instrument(ChatConfig.embedded(dataDir)));
        return new TestServer(chatSystem, ChatServer.start(chatSystem, metrics, 0));
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    HttpResponse<String> post(String path, String json) {
        return send(withJson(path, json).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> put(String path, String json) {
        return send(withJson(path, json).PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> send(String method, String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI uri(String path) {
        return URI.create(base + path); // not resolve(): "//x" must stay a path, not become a host
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    /** Creates an application and returns its token. */
    String newApplication(String name) {
        HttpResponse<String> response = post("/api/v1/applications", "{\"name\":\"" + name + "\"}");
        if (response.statusCode() != 201) {
            throw new IllegalStateException("create application: " + response.statusCode() + " " + response.body());
        }
        return json(response).get("token").asText();
    }

    /** Creates a chat and returns its number. */
    long newChat(String token) {
        HttpResponse<String> response = post("/api/v1/applications/" + token + "/chats", "");
        if (response.statusCode() != 201) {
            throw new IllegalStateException("create chat: " + response.statusCode() + " " + response.body());
        }
        return json(response).get("chat_number").asLong();
    }

    /** Creates a message and returns its number. */
    long newMessage(String token, long chat, String body) throws IOException {
        String json = JSON.writeValueAsString(java.util.Map.of("body", body));
        HttpResponse<String> response = post("/api/v1/applications/" + token + "/chats/" + chat + "/messages", json);
        if (response.statusCode() != 201) {
            throw new IllegalStateException("create message: " + response.statusCode() + " " + response.body());
        }
        return json(response).get("message_number").asLong();
    }

    private HttpRequest.Builder withJson(String path, String json) {
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json");
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            chatSystem.close();
            client.close();
        }
    }
}
