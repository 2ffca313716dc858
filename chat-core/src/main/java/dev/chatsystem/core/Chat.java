package dev.chatsystem.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A chat inside an application, numbered 1, 2, 3… per application with no gaps.
 *
 * @param chatNumber the number of the chat within its application
 * @param messagesCount how many messages the chat holds; exact in the embedded default, bounded-lag otherwise
 * @param createdAt when the chat was created (assigned when the create was accepted)
 */
public record Chat(long chatNumber, long messagesCount, Instant createdAt) {
    public Chat {
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
