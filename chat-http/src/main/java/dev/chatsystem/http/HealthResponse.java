package dev.chatsystem.http;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.Health;
import java.util.List;

/** The body of {@code GET /health}: {@code up} only when every backend is. */
record HealthResponse(String status, List<Backend> backends) {
    record Backend(String name, String kind, boolean up, String detail) {}

    static HealthResponse of(Health health) {
        List<Backend> backends = health.backends().stream()
                .map((BackendStatus b) -> new Backend(b.name(), b.kind(), b.up(), b.detail()))
                .toList();
        return new HealthResponse(health.healthy() ? "up" : "down", backends);
    }
}
