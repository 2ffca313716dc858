package dev.chatsystem.core.embedded;

import dev.chatsystem.core.spi.Accepted;
import dev.chatsystem.core.spi.Idempotency;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A write waiting for the group-commit writer; completes with what was accepted (for an edit: number 0, and the
 * time the writer dated it with).
 *
 * @param queuedNanos {@link System#nanoTime()} when the write was queued, to measure how long it waited
 */
record PendingWrite(
        Kind kind,
        String token,
        long chatNumber,
        long messageNumber,
        String body,
        Instant at,
        Optional<Idempotency> idempotency,
        long queuedNanos,
        CompletableFuture<Accepted> result) {
    enum Kind {
        CREATE_CHAT,
        CREATE_MESSAGE,
        EDIT_MESSAGE
    }

    static PendingWrite createChat(String token, Instant at, Optional<Idempotency> idempotency) {
        return new PendingWrite(
                Kind.CREATE_CHAT, token, 0, 0, null, at, idempotency, System.nanoTime(), new CompletableFuture<>());
    }

    static PendingWrite createMessage(
            String token, long chatNumber, String body, Instant at, Optional<Idempotency> idempotency) {
        return new PendingWrite(
                Kind.CREATE_MESSAGE,
                token,
                chatNumber,
                0,
                body,
                at,
                idempotency,
                System.nanoTime(),
                new CompletableFuture<>());
    }

    static PendingWrite editMessage(String token, long chatNumber, long messageNumber, String body, Instant at) {
        return new PendingWrite(
                Kind.EDIT_MESSAGE,
                token,
                chatNumber,
                messageNumber,
                body,
                at,
                Optional.empty(),
                System.nanoTime(),
                new CompletableFuture<>());
    }
}
