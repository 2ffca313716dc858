package dev.chatsystem.core;

import java.util.Objects;

/**
 * The state of one backend, as reported by health checks. A backend may be up and still need attention (a
 * {@linkplain #warning warning}): that does not make the system unhealthy.
 *
 * @param name what the backend does, e.g. {@code store}, {@code search}, {@code numbering}
 * @param kind which implementation serves it, e.g. {@code h2}, {@code lucene}, {@code mysql}
 * @param up whether it answered the last check
 * @param detail a short human-readable explanation: why it is down, or what needs attention while it is up; empty
 *     when it is up with nothing to say
 */
public record BackendStatus(String name, String kind, boolean up, String detail) {
    public BackendStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    public static BackendStatus up(String name, String kind) {
        return new BackendStatus(name, kind, true, "");
    }

    /** Up, and serving, but {@code detail} needs an operator's attention (e.g. a maintenance command to run). */
    public static BackendStatus warning(String name, String kind, String detail) {
        if (Objects.requireNonNull(detail, "detail").isBlank()) {
            throw new IllegalArgumentException("a warning needs a detail");
        }
        return new BackendStatus(name, kind, true, detail);
    }

    public static BackendStatus down(String name, String kind, String detail) {
        return new BackendStatus(name, kind, false, detail);
    }

    /** True when it is up with a {@link #detail} that needs attention. */
    public boolean warns() {
        return up && !detail.isEmpty();
    }
}
