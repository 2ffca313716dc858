package dev.chatsystem.http.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A JSON client of one server's HTTP API; thread-safe. Transport failures surface as status 0, not exceptions. */
final class Api {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    /**
     * A response: status (0 when the request did not get one), parsed body (null unless JSON), raw text, and its
     * {@code Retry-After} header (null when absent).
     */
    record Reply(int status, JsonNode json, String text, String retryAfter) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        long number(String field) {
            return json.get(field).asLong();
        }
    }

    private final URI base;

    Api(URI base) {
        this.base = base;
    }

    /** Creates an application; fails the test unless it gets a token. */
    String createApplication(String name) {
        Reply reply = post("/api/v1/applications", Map.of("name", name));
        if (reply.status() != 201) {
            throw new AssertionError("creating an application: " + reply);
        }
        return reply.json().get("token").asText();
    }

    Reply createChat(String token) {
        return post("/api/v1/applications/" + token + "/chats", null);
    }

    Reply createMessage(String token, long chat, String body) {
        return post(chatPath(token, chat) + "/messages", Map.of("body", body));
    }

    Reply chat(String token, long chat) {
        return get(chatPath(token, chat));
    }

    Reply message(String token, long chat, long message) {
        return get(chatPath(token, chat) + "/messages/" + message);
    }

    Reply messages(String token, long chat) {
        return get(chatPath(token, chat) + "/messages?limit=1000");
    }

    Reply search(String token, long chat, String query) {
        return get(chatPath(token, chat) + "/messages/search?limit=1000&query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8));
    }

    Reply health() {
        return get("/health");
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Reply post(String path, Object body) {
        HttpRequest.BodyPublisher publisher =
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(write(body));
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(publisher));
    }

    Reply put(String path, Object body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(write(body))));
    }

    /** A POST carrying an {@code Idempotency-Key} header. */
    Reply postWithKey(String path, Object body, String key) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(write(body))));
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    CLIENT.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(
                    response.statusCode(),
                    parse(response),
                    response.body(),
                    response.headers().firstValue("Retry-After").orElse(null));
        } catch (IOException e) {
            return new Reply(0, null, e.toString(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private static String chatPath(String token, long chat) {
        return "/api/v1/applications/" + token + "/chats/" + chat;
    }

    private static JsonNode parse(HttpResponse<String> response) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.contains("json") || response.body().isEmpty()) {
            return null;
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            return null;
        }
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
