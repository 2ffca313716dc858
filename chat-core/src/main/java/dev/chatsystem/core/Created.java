package dev.chatsystem.core;

import java.util.Objects;

/**
 * The outcome of a create that carried an {@link IdempotencyKey}.
 *
 * @param value what was created (for a replay: what the original create returned)
 * @param replayed true when an earlier create with the same key and request produced {@code value}, and nothing new
 *     was created
 */
public record Created<T>(T value, boolean replayed) {
    public Created {
        Objects.requireNonNull(value, "value");
    }
}
