package dev.chatsystem.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** The route templates and the paths of created resources (for {@code Location}). */
final class Paths {
    static final String APPLICATIONS = "/api/v1/applications";
    static final String APPLICATION = APPLICATIONS + "/{token}";
    static final String CHATS = APPLICATION + "/chats";
    static final String CHAT = CHATS + "/{chat_number}";
    static final String MESSAGES = CHAT + "/messages";
    static final String MESSAGE_SEARCH = MESSAGES + "/search";
    static final String MESSAGE = MESSAGES + "/{message_number}";
    static final String HEALTH = "/health";
    /** Answers while the process serves, whatever its backends: for liveness probes. */
    static final String LIVE = "/health/live";

    static final String METRICS = "/metrics";

    /** Every path of the API (not {@link #HEALTH} or {@link #METRICS}), for handlers that run before its routes. */
    static final String API = "/api/*";

    /** Every route's template, in the order {@link ChatServer} registers them: search before a message number. */
    static final List<String> TEMPLATES =
            List.of(APPLICATIONS, APPLICATION, CHATS, CHAT, MESSAGES, MESSAGE_SEARCH, MESSAGE, HEALTH, LIVE, METRICS);

    private Paths() {}

    /**
     * The template a request path fits, whatever its method, as the router matches it: a {@code {parameter}} is one
     * non-empty segment, a trailing slash is ignored. For requests refused before routing, which have no endpoint.
     */
    static Optional<String> template(String path) {
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String[] segments = trimmed.split("/", -1);
        return TEMPLATES.stream().filter(t -> fits(t.split("/", -1), segments)).findFirst();
    }

    private static boolean fits(String[] template, String[] segments) {
        if (template.length != segments.length) {
            return false;
        }
        for (int i = 0; i < template.length; i++) {
            boolean parameter = template[i].startsWith("{");
            if (parameter ? segments[i].isEmpty() : !template[i].equals(segments[i])) {
                return false;
            }
        }
        return true;
    }

    static String application(String token) {
        return APPLICATIONS + "/" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    static String chat(String token, long chatNumber) {
        return application(token) + "/chats/" + chatNumber;
    }

    static String message(String token, long chatNumber, long messageNumber) {
        return chat(token, chatNumber) + "/messages/" + messageNumber;
    }
}
