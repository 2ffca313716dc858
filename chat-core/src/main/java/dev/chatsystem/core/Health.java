package dev.chatsystem.core;

import java.util.List;

/** The state of every backend a {@link ChatSystem} uses. */
public record Health(List<BackendStatus> backends) {
    public Health {
        backends = List.copyOf(backends);
    }

    /** True when every backend is up, warnings or not: a warning asks for attention, not for traffic to stop. */
    public boolean healthy() {
        return backends.stream().allMatch(BackendStatus::up);
    }
}
