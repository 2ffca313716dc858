package dev.chatsystem.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A message inside a chat, numbered 1, 2, 3… per chat with no gaps.
 *
 * @param chatNumber the number of the chat that holds the message
 * @param messageNumber the number of the message within its chat
 * @param body the text, 1..65,535 bytes of UTF-8
 * @param createdAt when the create was accepted
 * @param updatedAt when the body was last set (equal to {@code createdAt} until the first edit)
 */
public record Message(long chatNumber, long messageNumber, String body, Instant createdAt, Instant updatedAt) {
    public Message {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
