package dev.chatsystem.http;

import dev.chatsystem.core.Chat;
import java.time.Instant;

/** A chat on the wire, identified by its number within the application. */
record ChatResponse(long chatNumber, long messagesCount, Instant createdAt) {
    static ChatResponse of(Chat chat) {
        return new ChatResponse(chat.chatNumber(), chat.messagesCount(), chat.createdAt());
    }
}
