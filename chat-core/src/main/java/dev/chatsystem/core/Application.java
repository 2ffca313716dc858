package dev.chatsystem.core;

import java.time.Instant;
import java.util.Objects;

/**
 * An application: the tenant that owns chats. Identified to clients only by its unguessable token.
 *
 * @param token the public identifier, URL-safe, at least 128 bits of entropy
 * @param name the display name, 1..255 characters
 * @param chatsCount how many chats the application holds; exact in the embedded default, bounded-lag otherwise
 * @param createdAt when the application was created
 */
public record Application(String token, String name, long chatsCount, Instant createdAt) {
    public Application {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
