package dev.chatsystem.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

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

    private Paths() {}

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
