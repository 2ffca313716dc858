package dev.chatsystem.core.spi;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.Message;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The port to durable storage: the source of truth for applications, chats and messages.
 *
 * <p>Everything is addressed by natural keys (token, chat number, message number); internal ids never leave the
 * adapter. Implementations are thread-safe. Failures to reach the storage are reported as
 * {@link dev.chatsystem.core.BackendUnavailableException}; no vendor exception escapes.
 */
public interface ChatStore extends AutoCloseable {

    /** Inserts an application; throws {@link dev.chatsystem.core.ConflictException} if the token exists. */
    Application createApplication(String token, String name, Instant at);

    Optional<Application> application(String token);

    /** Renames an application; empty when the token is unknown. */
    Optional<Application> renameApplication(String token, String name, Instant at);

    /** Applications ordered by token, strictly after {@code afterToken} when present. */
    List<Application> applications(Optional<String> afterToken, int limit);

    Optional<Chat> chat(String token, long chatNumber);

    /** Whether the chat is stored; a store may answer from what it remembers of chats found before. */
    default boolean hasChat(String token, long chatNumber) {
        return chat(token, chatNumber).isPresent();
    }

    /** Chats of the application numbered strictly after {@code after}, ascending, at most {@code limit}. */
    List<Chat> chats(String token, long after, int limit);

    Optional<Message> message(String token, long chatNumber, long messageNumber);

    /** Messages of the chat numbered strictly after {@code after}, ascending, at most {@code limit}. */
    List<Message> messages(String token, long chatNumber, long after, int limit);

    /** The messages of the chat with these numbers, in any order; unknown numbers are left out. */
    List<Message> messages(String token, long chatNumber, Collection<Long> messageNumbers);

    /** The highest chat number of the application, 0 when it has none (or is unknown). */
    long maxChatNumber(String token);

    /** The highest message number of the chat, 0 when it has none (or is unknown). */
    long maxMessageNumber(String token, long chatNumber);

    /**
     * The highest version any message was written with, 0 when none: where a single writer's versions continue
     * from, whatever the clock says, and what the distributed form's streams are raised past after Redis lost its
     * data. Cheap whatever the store holds (recovery refuses writes until it has read it): adapters keep it as they
     * store versions rather than reading every message.
     */
    long maxMessageVersion();

    /**
     * The highest version a message of the chat was written with, 0 when none (or the chat is unknown). Reads the
     * chat's messages: for telling whether a write of the chat was stored (the embedded writer after a lost commit
     * answer), not for normal requests. The default, 0, says none was.
     */
    default long maxMessageVersion(String token, long chatNumber) {
        return 0;
    }

    /**
     * Raises the stored message's version to at least {@code version}; never lowers it, and changes nothing else (its
     * body, its times). For an index entry written for the message at a version no write stored: the store's version
     * must then be at least as high, or a full reindex, which copies each message with its stored version, would let
     * an older write still on its way to the index (a lagging worker's) replace the entry. An edit older than the
     * raised version is refused afterwards, as by the index. Idempotent; its own transaction, committed at once. Does
     * nothing when the message is not stored.
     */
    void raiseMessageVersion(String token, long chatNumber, long messageNumber, long version);

    /**
     * Persists the writes in one transaction, in list order. Idempotent: a create whose (token, chat[, message]) key
     * exists is skipped, so a write delivered twice is stored once. An edit of a message that does not exist is
     * skipped. Adapters that keep exact counts update them in the same transaction. The idempotency records are
     * inserted in the same transaction, replacing older records of the same scope and key (the caller has checked
     * that no live one exists), except those of creates the store reports displaced: their number names another
     * write, which a retry with their key must not be answered with.
     *
     * @param records the idempotency record of each keyed create of {@code writes}, under that create
     * @return the skipped creates whose key another write holds, which a replay cannot explain ({@link Displaced})
     * @throws NothingAppliedException when the transaction could not begin, so that nothing of it is stored
     */
    Displaced apply(List<Write> writes, Map<Write, IdempotencyRecord> records);

    /** {@link #apply(List, Map)} with no idempotency records. */
    default Displaced apply(List<Write> writes) {
        return apply(writes, Map.of());
    }

    /**
     * {@link #apply(List)} for a batch of the distributed form's queue {@code shard} (0 or more): what a store keeps
     * as it stores (the highest version, see {@link #maxMessageVersion()}) it may keep per shard, so that batches of
     * different shards never wait for one another's bookkeeping. The default applies.
     */
    default Displaced apply(List<Write> writes, int shard) {
        return apply(writes);
    }

    /**
     * {@link #apply(List, int)}, raising the persisted mark of the queue {@code shard} to at least {@code version} in
     * the same transaction (as {@link #markPersisted}), so that recording how far a shard is stored costs no commit of
     * its own. The default applies, then marks.
     */
    default Displaced apply(List<Write> writes, int shard, long version) {
        Displaced displaced = apply(writes, shard);
        markPersisted(shard, version);
        return displaced;
    }

    /**
     * Raises the persisted mark of the distributed form's queue {@code shard} to at least {@code version} (the highest
     * stream entry id, as a version, of a batch stored); never lowers it. Its own short statement, committed at once.
     * The default records nothing: a store without marks never finds Redis behind it.
     */
    default void markPersisted(int shard, long version) {}

    /** The persisted marks by shard ({@link #markPersisted}); shards never marked are left out. */
    default Map<Integer, Long> persistedMarks() {
        return Map.of();
    }

    /** The persisted mark of one shard ({@link #markPersisted}); 0 when it was never marked. */
    default long persistedMark(int shard) {
        return persistedMarks().getOrDefault(shard, 0L);
    }

    /** The record of an idempotent create with this key, if one was made at or after {@code notBefore}. */
    Optional<IdempotencyRecord> idempotencyRecord(String scope, String key, Instant notBefore);

    /**
     * Inserts an application and its idempotency record in one transaction, unless a record with the same scope and
     * key made at or after {@code notBefore} exists: then nothing is inserted and that record is returned. An older
     * record is replaced.
     */
    Optional<IdempotencyRecord> createApplication(
            String token, String name, Instant at, IdempotencyRecord record, Instant notBefore);

    /**
     * Deletes at most {@code limit} idempotency records made before {@code before}, in one transaction; returns how
     * many (fewer than {@code limit}: none are left).
     */
    long purgeIdempotencyRecords(Instant before, int limit);

    /**
     * Stored messages after {@code cursor} (start with 0), of one application when {@code token} is present: at most
     * {@code limit}, and fewer when their bodies are long (a batch's size is bounded; the next call goes on from it).
     */
    MessageBatch messagesForIndex(Optional<String> token, long cursor, int limit);

    /**
     * The cursor of {@link #messagesForIndex} after the last message stored now: a pass that stops there has seen
     * every message stored before this call. The default, {@link Long#MAX_VALUE}, bounds nothing.
     */
    default long lastIndexCursor() {
        return Long.MAX_VALUE;
    }

    /** How many messages are stored, of one application when {@code token} is present. */
    long countMessages(Optional<String> token);

    long countApplications();

    long countChats();

    /** The version of the newest schema migration applied, e.g. {@code 2}. */
    String schemaVersion();

    BackendStatus health();

    @Override
    void close();
}
