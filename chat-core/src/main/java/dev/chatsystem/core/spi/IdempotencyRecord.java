package dev.chatsystem.core.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A remembered idempotent create, as the store keeps it.
 *
 * @param result what the create produced: a number (chat, message) or a token (application)
 * @param at when the original create was accepted
 */
public record IdempotencyRecord(String scope, String key, String fingerprint, String result, Instant at) {
    public IdempotencyRecord {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(at, "at");
    }
}
