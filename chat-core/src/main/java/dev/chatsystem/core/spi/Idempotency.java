package dev.chatsystem.core.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * What the write path needs to make one create idempotent.
 *
 * @param scope where the key applies (an application's chats, a chat's messages), so tenants never collide
 * @param key the client's key
 * @param fingerprint a digest of the request; the same key with another fingerprint is a mismatch
 * @param retention how long a key is remembered
 */
public record Idempotency(String scope, String key, String fingerprint, Duration retention) {
    public Idempotency {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(retention, "retention");
    }
}
