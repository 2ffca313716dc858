package dev.chatsystem.core.spi;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.QueueMemory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The port a create or edit travels through from the caller to storage. It assigns numbers and returns only once the
 * write is durable: persisted (embedded default) or durably queued for workers (production form). Either way an
 * acknowledged write is never lost and numbers have no gaps.
 *
 * <p>The caller has already validated input and, unless {@link #refusesUnknownParents()}, checked that the parent
 * exists. Thread-safe; writes that touch one
 * chat are applied in the order they were accepted. Throws {@link dev.chatsystem.core.BackendUnavailableException}
 * when the write could not be made durable, or when its outcome is unknown: a write refused (a full queue, a backend
 * down before it was sent) consumed no number, but one whose answer was lost or came too late (a connection failing
 * mid-send, a backend slower than the wait) may have been applied. A retry with an idempotency key tells which.
 */
public interface WritePath extends AutoCloseable {

    /**
     * Assigns the next chat number of the application and makes the chat durable. With {@code idempotency}, a create
     * whose key was seen with the same fingerprint within the retention is answered from the original (replayed, no
     * number consumed), and one with another fingerprint throws
     * {@link dev.chatsystem.core.IdempotencyMismatchException}; concurrent repeats of one key create once.
     */
    Accepted createChat(String token, Instant at, Optional<Idempotency> idempotency);

    /** Assigns the next message number of the chat and makes the message durable; idempotency as for chats. */
    Accepted createMessage(String token, long chatNumber, String body, Instant at, Optional<Idempotency> idempotency);

    /** {@link #createChat(String, Instant, Optional)} without a key; returns the number. */
    default long createChat(String token, Instant at) {
        return createChat(token, at, Optional.empty()).number();
    }

    /** {@link #createMessage(String, long, String, Instant, Optional)} without a key; returns the number. */
    default long createMessage(String token, long chatNumber, String body, Instant at) {
        return createMessage(token, chatNumber, body, at, Optional.empty()).number();
    }

    /**
     * True when {@link #createMessage} itself refuses a chat (or application) that does not exist with
     * {@link dev.chatsystem.core.NotFoundException}, atomically with numbering, so the caller can skip its own look
     * first: a round trip less on the hottest path.
     */
    default boolean refusesUnknownParents() {
        return false;
    }

    /**
     * Makes the edit durable and answers the time it was stored with. That is {@code at}, raised where the edit is
     * put in order (the order that decides which body wins) to after the message's creation and after every edit of
     * the message ordered before it: callers read their clocks before their edits are ordered, maybe in the other
     * order and on servers whose clocks differ, and a later body must never carry an earlier time.
     */
    Edited editMessage(String token, long chatNumber, long messageNumber, String body, Instant at);

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

    /**
     * Chats numbered after {@code after} whose creates were accepted but may not be in the store yet, ascending, at
     * most {@code limit}, so lists include a caller's own writes. May be empty when there are too many to list
     * cheaply; lists then include them once they are persisted.
     */
    List<Chat> pendingChats(String token, long after, int limit);

    /** As {@link #pendingChats} for the messages of one chat, with their latest accepted body. */
    List<Message> pendingMessages(String token, long chatNumber, long after, int limit);

    /**
     * Those of the chat's messages {@code numbers} whose create or edit was accepted but may not be in the store yet,
     * with their latest accepted body, by number: a search ranks what the index holds, which may be ahead of the store.
     * The default knows of none (a write path that answers only once the store has the write).
     */
    default Map<Long, Message> pendingMessages(String token, long chatNumber, List<Long> numbers) {
        return Map.of();
    }

    /** Accepted writes not yet persisted to the store. */
    long pending();

    /**
     * The backlog of each shard and stage, for monitoring. May query the queue backend, so callers that poll it should
     * cache the answer. The default reports {@link #pending()} as one persisting stage of unknown age (zero).
     */
    default List<QueueBacklog> backlog() {
        return List.of(new QueueBacklog(0, QueueBacklog.PERSIST, pending(), Duration.ZERO));
    }

    /**
     * Where the queue stands now, for {@link #storedUpTo}. May query the queue backend. The default, for a write path
     * that stores every write before it answers, marks nothing.
     */
    default QueueMark mark() {
        return QueueMark.NONE;
    }

    /**
     * True once every write this write path had taken at {@code mark} is in the store; compares queue positions, not
     * clocks. May query the queue backend. The default, for a write path that stores before it answers, is true.
     */
    default boolean storedUpTo(QueueMark mark) {
        return true;
    }

    /**
     * The memory of each queue shard as last measured, for monitoring; never calls the backend. Empty for a write path
     * whose queue has no memory bound of its own (the embedded writer's queue is bounded in writes and by the request
     * body budget).
     */
    default List<QueueMemory> queueMemory() {
        return List.of();
    }

    /**
     * Waits until every write acknowledged before this call has been offered to the search index, so that a search
     * started after a create or edit returned finds it (read-your-writes for search). Offered, not indexed: documents
     * the index refused are not waited for, and the search misses them until they are retried. The wait is bounded
     * (a few seconds): a stuck indexer costs a search its newest documents, never an answer. Thread-safe; throws
     * {@link dev.chatsystem.core.BackendUnavailableException}, with the interrupt flag set, when the thread is
     * interrupted while it waits, so that the caller reads no store with the flag set.
     *
     * <p>The default returns at once: the distributed form indexes in workers, after the write was queued, so its
     * search is eventually consistent by design.
     */
    default void awaitSearchable() {}

    /**
     * As {@link #awaitSearchable()}, for a search in one chat: it may wait for the writes to that chat alone, since
     * no other write changes what such a search finds. The default waits for every write.
     */
    default void awaitSearchable(String token, long chatNumber) {
        awaitSearchable();
    }

    BackendStatus health();

    /**
     * What in this write path stopped for good, which only a restart of the process repairs (the embedded writer or
     * indexer ended by an error), or empty, also once closed. Read from memory, asking no backend: liveness probes
     * ask it, and restarting the process is their remedy.
     */
    default Optional<String> stoppedForGood() {
        return Optional.empty();
    }

    /** Finishes every accepted write, then stops. */
    @Override
    void close();
}
