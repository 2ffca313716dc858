package dev.chatsystem.http;

import dev.chatsystem.core.Message;
import java.time.Instant;

/** A message on the wire, identified by its number within the chat. */
record MessageResponse(long messageNumber, long chatNumber, String body, Instant createdAt, Instant updatedAt) {
    static MessageResponse of(Message message) {
        return new MessageResponse(
                message.messageNumber(),
                message.chatNumber(),
                message.body(),
                message.createdAt(),
                message.updatedAt());
    }
}
