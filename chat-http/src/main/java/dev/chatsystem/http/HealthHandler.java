package dev.chatsystem.http;

import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Health;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Objects;

/** {@code GET /health}: 200 when every backend is up, 503 otherwise, with the state of each. */
final class HealthHandler {
    private final ChatSystem chatSystem;

    HealthHandler(ChatSystem chatSystem) {
        this.chatSystem = Objects.requireNonNull(chatSystem, "chatSystem");
    }

    void handle(Context ctx) {
        Health health = chatSystem.health();
        ctx.status(health.healthy() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .json(HealthResponse.of(health));
    }
}
