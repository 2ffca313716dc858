package dev.chatsystem.http;

import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Health;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code GET /health}: 200 when every backend is up, 503 otherwise, with the state of each. A check asks every
 * backend (a query, a ping, a cluster-health call), so one answer serves every probe for {@link #FRESH_FOR}: load
 * balancers polling many instances never add load to the backends, and a failure still shows within a second.
 */
final class HealthHandler {
    static final Duration FRESH_FOR = Duration.ofSeconds(1);

    private final ChatSystem chatSystem;
    private final JsonResponses responses;
    private Health last;
    private long checkedAt;

    HealthHandler(ChatSystem chatSystem, JsonResponses responses) {
        this.chatSystem = Objects.requireNonNull(chatSystem, "chatSystem");
        this.responses = Objects.requireNonNull(responses, "responses");
    }

    void handle(Context ctx) {
        Health health = current();
        responses.send(
                ctx.status(health.healthy() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE),
                HealthResponse.of(health));
    }

    /** Concurrent probes wait for one check instead of each running their own. */
    private synchronized Health current() {
        long now = System.nanoTime();
        if (last == null || now - checkedAt >= FRESH_FOR.toNanos()) {
            last = chatSystem.health();
            checkedAt = System.nanoTime();
        }
        return last;
    }
}
