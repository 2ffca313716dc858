package dev.chatsystem.core;

import dev.chatsystem.core.internal.ChatSystems;
import java.util.List;
import java.util.Optional;

/**
 * The one entry point of the library: applications, their chats and the chats' messages.
 *
 * <p>Open it with {@link #open(ChatConfig)} and close it when done. Every method is thread-safe. Failures are reported
 * as subclasses of {@link ChatException}: {@link InvalidInputException} for input that breaks a rule (a null argument
 * too, named, before any backend is asked: pass {@link Optional#empty()} for "none"), {@link NotFoundException} for an
 * unknown token, chat or message, {@link IdempotencyMismatchException} for an idempotency key reused with another
 * request, {@link BackendUnavailableException} when a backend fails, {@link ConfigurationException} when
 * {@link #open} (or {@link #migrate}) is given a configuration it cannot use or a data dir in use, and
 * {@link ChatSystemClosedException} for every call once {@link #close()} began (and for a call the close cut short).
 * A create that returned has been made durable (embedded default) or durably queued (production form): it is never
 * lost.
 */
public interface ChatSystem extends AutoCloseable {

    /** Opens a chat system on the backends the configuration names. */
    static ChatSystem open(ChatConfig config) {
        return ChatSystems.open(config);
    }

    /**
     * Applies the store's pending schema migrations and returns the schema version reached, opening the store alone:
     * no queue, index or worker, so a deploy step can migrate before the other backends are up. Creates an embedded
     * data dir that does not exist yet.
     */
    static String migrate(ChatConfig config) {
        return ChatSystems.migrate(config);
    }

    /**
     * The state of each backend the configuration names, each checked on its own, for admin tools when {@link #open}
     * fails: the open stops at the first backend it cannot use, where this names every one that is down. Thread-safe.
     *
     * <p>Production form: the store, the search index and the queue, under the names and kinds {@link #health} gives
     * them, each opened alone, asked its health and closed, all at once; a down backend is reported within its connect
     * timeout (seconds), and one that has not answered within 10 s is down. Nothing is changed: no schema migration (a
     * schema behind is down, saying to run the migration), no index or template created (a missing index is down,
     * saying so), no Redis key read or written, no worker or periodic check started. Embedded form: the data dir is
     * one backend, checked by opening the system as {@link #open} does (which creates a data dir that does not exist):
     * its {@link #health}, or the store down with why it would not open.
     *
     * <p>Never throws for a backend that is down, nor for one whose URL it cannot use: that backend is reported down
     * with its detail, so one backend's failure never hides another's state.
     */
    static Health checkBackends(ChatConfig config) {
        return ChatSystems.checkBackends(config);
    }

    /**
     * Creates an application with a fresh unguessable token. The name is trimmed and must be 1..255 characters as
     * {@link String#length()} counts them (an emoji counts as two).
     */
    Application createApplication(String name);

    /**
     * Creates an application at most once per key: a retry with the same key and name within the retention window
     * returns the original application, marked replayed; the same key with another name throws
     * {@link IdempotencyMismatchException}. Application keys are global and a replay answers with the token, so a key
     * is as secret as the token it may return: it must be at least {@value IdempotencyKey#MIN_APPLICATION_KEY_LENGTH}
     * characters (a random UUID), else {@link InvalidInputException}.
     */
    Created<Application> createApplication(String name, IdempotencyKey key);

    /** The application with this token. */
    Application application(String token);

    /** Renames the application; the name is trimmed and must be 1..255 characters, as for a new application. */
    Application renameApplication(String token, String name);

    /**
     * Applications ordered by token, those after {@code afterToken} (exclusive) when present; an {@code afterToken}
     * that is not a token (no application can have it) is an {@link InvalidInputException}.
     */
    List<Application> listApplications(Optional<String> afterToken, int limit);

    /** Creates the next chat of the application, numbered one more than the last. */
    Chat createChat(String token);

    /**
     * Creates the next chat at most once per key within the application (see {@link #createApplication(String,
     * IdempotencyKey)}); a replay consumes no number.
     */
    Created<Chat> createChat(String token, IdempotencyKey key);

    /** The chat with this number. */
    Chat chat(String token, long chatNumber);

    /** The application's chats by ascending number. */
    Page<Chat> listChats(String token, PageRequest page);

    /** Creates the next message of the chat. The body must be 1..65,535 bytes of UTF-8 and not blank. */
    Message createMessage(String token, long chatNumber, String body);

    /**
     * Creates the next message at most once per key within the chat: the same key and body return the original
     * message (no number consumed), the same key with another body throws {@link IdempotencyMismatchException}.
     */
    Created<Message> createMessage(String token, long chatNumber, String body, IdempotencyKey key);

    /** The message with this number. */
    Message message(String token, long chatNumber, long messageNumber);

    /** The chat's messages by ascending number. */
    Page<Message> listMessages(String token, long chatNumber, PageRequest page);

    /**
     * Replaces the body of a message; edits of one message are applied in the order they are accepted. The answer
     * carries the {@code updatedAt} the edit is stored with, later than the message's creation and than that of every
     * edit of the message accepted before it, so a message's {@code updatedAt} never goes backwards across its edits.
     */
    Message editMessage(String token, long chatNumber, long messageNumber, String body);

    /**
     * Messages of one chat whose words match every word of the query, case-insensitively, as whole words, word
     * prefixes or infixes; best match first, in an unmodifiable list.
     */
    List<Message> searchMessages(String token, long chatNumber, String query, int limit);

    /**
     * The state of every backend, asked all at once: one that has not answered within a few seconds is reported down
     * ("no answer"), so a hanging backend never holds the caller for longer.
     */
    Health health();

    /**
     * Why this process can no longer serve its writes until it restarts (the embedded writer or indexer stopped by an
     * error), or empty; empty once closed. Asks no backend, so it answers at once: for liveness probes, whose remedy
     * is that restart ({@code GET /health/live}). A backend that is down is not such a reason: it may come back, and
     * {@link #health} reports it.
     */
    default Optional<String> stoppedForGood() {
        return Optional.empty();
    }

    /**
     * The search backend's state alone, as {@link #health} reports it (name {@code search}), without asking the others,
     * which on the production backends may take seconds: for a caller that has just searched and wants to say whether
     * the results may miss messages (the backend {@linkplain BackendStatus#warns warns}, a reindex owed, say). Answers
     * within the deadline {@link #health} has.
     */
    default BackendStatus searchHealth() {
        return health().backends().stream()
                .filter(backend -> backend.name().equals("search"))
                .findFirst()
                .orElseGet(() -> BackendStatus.down("search", "unknown", "health() reports no search backend"));
    }

    /** Recomputes {@code chats_count} and {@code messages_count} from the store and reports what changed. */
    ReconcileReport reconcileCounts();

    /** Rebuilds the search index from the store, for one application or all. Safe to re-run. */
    ReindexReport reindex(Optional<String> token, ReindexListener listener);

    /**
     * Raises the numbering counters (Redis) to at least the store's maxima, never lowering one, for example after
     * Redis lost its data. Returns how many counters were raised; always 0 for the embedded default.
     */
    long reseedNumbering();

    /** The store's schema version: the newest migration applied (migrations run when the system opens). */
    String schemaVersion();

    /**
     * Totals across the store and the index. An index that cannot be counted (missing, or its server down) does not
     * fail this: {@link Stats#indexUnavailable()} says why. A store that cannot be read does.
     */
    Stats stats();

    /**
     * The backlog of the write path per queue shard and stage (persisting, indexing), for monitoring: cheap compared
     * with {@link #stats()}, which counts rows, but it may still query the queue backend. Empty when unknown.
     */
    default List<QueueBacklog> queueBacklog() {
        return List.of();
    }

    /** The memory each queue shard takes in the queue backend, as last measured: no backend call. Empty when unknown. */
    default List<QueueMemory> queueMemory() {
        return List.of();
    }

    /**
     * Stops accepting work, finishes what was accepted and releases every backend. Every later call but this one throws
     * {@link ChatSystemClosedException}. A concurrent call returns once the first has released everything, so the
     * caller may open the same data dir again; a later call does nothing. Called from a {@link WorkerListener} method,
     * it neither waits for a concurrent close nor releases on the listener's thread (the release waits for that
     * worker thread): it returns at once, with the system closed to new calls, and the release finishes after the
     * listener method has returned.
     */
    @Override
    void close();
}
