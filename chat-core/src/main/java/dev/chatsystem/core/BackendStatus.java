package dev.chatsystem.core;

import java.util.Objects;

/**
 * The state of one backend, as reported by health checks.
 *
 * @param name what the backend does, e.g. {@code store}, {@code search}, {@code numbering}
 * @param kind which implementation serves it, e.g. {@code h2}, {@code lucene}, {@code mysql}
 * @param up whether it answered the last check
 * @param detail a short human-readable explanation, empty when up
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

    public static BackendStatus down(String name, String kind, String detail) {
        return new BackendStatus(name, kind, false, detail);
    }
}
