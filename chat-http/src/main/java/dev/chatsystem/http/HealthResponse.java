package dev.chatsystem.http;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.Health;
import java.util.List;

/**
 * The body of {@code GET /health}: {@code up} only when every backend is. Why a backend is down is the driver's text
 * (a host, a user name: "Access denied for user 'chat'@'10.0.3.7'"), which goes to the server's log only, as for
 * failed requests: load balancers and anyone else who can reach the probe see a fixed phrase. A warning of a backend
 * that is up is this server's own advice (a reindex owed) and is shown.
 */
record HealthResponse(String status, List<Backend> backends) {
    static final String DOWN = "unavailable (the server's log has why)";

    record Backend(String name, String kind, boolean up, String detail) {}

    static HealthResponse of(Health health) {
        List<Backend> backends = health.backends().stream()
                .map((BackendStatus b) -> new Backend(b.name(), b.kind(), b.up(), b.up() ? b.detail() : DOWN))
                .toList();
        return new HealthResponse(health.healthy() ? "up" : "down", backends);
    }
}
