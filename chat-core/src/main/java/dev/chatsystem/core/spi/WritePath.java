package dev.chatsystem.core.spi;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.QueueBacklog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The port a create or edit travels through from the caller to storage. It assigns numbers and returns only once the
 * write is durable: persisted (embedded default) or durably queued for workers (production form). Either way an
 * acknowledged write is never lost and numbers have no gaps.
 *
 * <p>The caller has already validated input and checked that the parent exists. Thread-safe; writes that touch one
 * chat are applied in the order they were accepted. Throws {@link dev.chatsystem.core.BackendUnavailableException}
 * when the write could not be made durable, in which case no number was consumed.
 */
public interface WritePath extends AutoCloseable {

    /** Assigns the next chat number of the application and makes the chat durable. */
    long createChat(String token, Instant at);

    /** Assigns the next message number of the chat and makes the message durable. */
    long createMessage(String token, long chatNumber, String body, Instant at);

    /** Makes the edit durable. */
    void editMessage(String token, long chatNumber, long messageNumber, String body, Instant at);

    /**
     * The chat if its create was accepted but may not be in the store yet, so a caller reads its own write. Empty
     * when unknown or already persisted (then the store has it).
     */
    Optional<Chat> pendingChat(String token, long chatNumber);

    /**
     * The message's latest accepted state if a create or edit of it may not be in the store yet. Empty when unknown
     * or already persisted.
     */
    Optional<Message> pendingMessage(String token, long chatNumber, long messageNumber);

    /** Accepted writes not yet persisted to the store. */
    long pending();

    /**
     * The backlog of each shard and stage, for monitoring. May query the queue backend, so callers that poll it should
     * cache the answer. The default reports {@link #pending()} as one persisting stage of unknown age (zero).
     */
    default List<QueueBacklog> backlog() {
        return List.of(new QueueBacklog(0, QueueBacklog.PERSIST, pending(), Duration.ZERO));
    }

    BackendStatus health();

    /** Finishes every accepted write, then stops. */
    @Override
    void close();
}
