package dev.chatsystem.http;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Health;
import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /health}: 200 when every backend is up, 503 otherwise, with the state of each. A check asks every
 * backend (a query, a ping, a cluster-health call), so one answer serves every probe for {@link #FRESH_FOR}: load
 * balancers polling many instances never add load to the backends, and a failure still shows within a second.
 */
final class HealthHandler {
    static final Duration FRESH_FOR = Duration.ofSeconds(1);
    private static final Map<String, String> LIVE = Map.of("status", "up");
    private static final Logger LOG = LoggerFactory.getLogger(HealthHandler.class);

    private final ChatSystem chatSystem;
    private final JsonResponses responses;
    private final ReentrantLock lock = new ReentrantLock(); // guards last and checkedAt
    private Health last;
    private long checkedAt;

    HealthHandler(ChatSystem chatSystem, JsonResponses responses) {
        this.chatSystem = Objects.requireNonNull(chatSystem, "chatSystem");
        this.responses = Objects.requireNonNull(responses, "responses");
    }

    void handle(Context ctx) {
        Health health = current();
        if (!health.healthy()) {
            ctx.header(Header.RETRY_AFTER, "1"); // as every 503 says; the answer is cached for as long
        }
        responses.send(
                ctx.status(health.healthy() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE),
                HealthResponse.of(health));
    }

    /**
     * {@code GET /health/live}: 200 while this process serves requests, without asking any backend. For liveness
     * probes and for load balancers that should keep an instance while MySQL or Elasticsearch is down: chat and
     * message creates still succeed then (they only need Redis), though {@link #handle} answers 503. 503 only when
     * something in the process stopped for good ({@link ChatSystem#stoppedForGood}), which a restart repairs and a
     * liveness probe's remedy is.
     */
    void live(Context ctx) {
        Optional<String> stopped = chatSystem.stoppedForGood();
        if (stopped.isPresent()) {
            responses.send(
                    ctx.status(HttpStatus.SERVICE_UNAVAILABLE),
                    Map.of("status", "down", "detail", stopped.get() + ": restart the process"));
            return;
        }
        responses.send(ctx.status(HttpStatus.OK), LIVE);
    }

    /**
     * Concurrent probes wait for one check instead of each running their own. A {@link ReentrantLock}, not {@code
     * synchronized}: the check blocks on JDBC, Redis and Elasticsearch, and on JDK 21 to 23 a virtual thread that
     * blocks inside {@code synchronized} pins its carrier thread. With one slow backend, the check and the probes
     * queued behind it would hold every carrier (one per core) and freeze every request, not only the probes.
     */
    private Health current() {
        lock.lock();
        try {
            long now = System.nanoTime();
            if (last == null || now - checkedAt >= FRESH_FOR.toNanos()) {
                Health checked = chatSystem.health();
                logChanges(last == null ? List.of() : last.backends(), checked.backends());
                last = checked;
                checkedAt = System.nanoTime();
            }
            return last;
        } finally {
            lock.unlock();
        }
    }

    /** Logs what changed since the check before (the causes clients do not see), not every probe's answer. */
    private static void logChanges(List<BackendStatus> before, List<BackendStatus> now) {
        for (BackendStatus backend : now) {
            if (before.contains(backend)) {
                continue;
            }
            if (!backend.up()) {
                LOG.warn("health: {} ({}) is down: {}", backend.name(), backend.kind(), backend.detail());
            } else if (before.stream().anyMatch(b -> b.name().equals(backend.name()) && !b.up())) {
                LOG.info("health: {} ({}) is up again", backend.name(), backend.kind());
            }
        }
    }
}
