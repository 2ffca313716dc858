package dev.chatsystem.core.jdbc;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.ConflictException;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.ReconcileFailedException;
import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.CountReconciler;
import dev.chatsystem.core.spi.Displaced;
import dev.chatsystem.core.spi.IdempotencyRecord;
import dev.chatsystem.core.spi.MessageBatch;
import dev.chatsystem.core.spi.NothingAppliedException;
import dev.chatsystem.core.spi.Write;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiFunction;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

/**
 * The store on a SQL database: every statement of {@link ChatStore} and {@link CountReconciler}, shared by the H2 and
 * MySQL/MariaDB adapters, which subclass it only to open their {@link JdbcDatabase}.
 *
 * <p>Counts are exact: {@link #apply} updates them in the same transaction as the rows, by the rows it actually
 * inserted, so batches applied concurrently, twice, or by several processes at once leave the same state. Writes
 * whose token is unknown are skipped, as are messages of chats that do not exist. Transactions run at READ COMMITTED
 * (see {@link BatchWriter} for why). Every write runs again when the engine rolled it back to break a deadlock or a
 * lock wait ({@link Retries}). Thread-safe.
 */
public class JdbcChatStore implements ChatStore, CountReconciler {
    /**
     * {@link #raiseMessageVersion}: the row changes only while its version is below, which never lowers it (the
     * semantics of {@code GREATEST}) and leaves a newer row unwritten; the same text runs on H2 (MySQL mode), MySQL
     * 8.4 and MariaDB 10.11. Keyed by the unique (chat_id, message_number): it locks that one row (MySqlExplainTest
     * checks the plan).
     */
    static final String RAISE_MESSAGE_VERSION =
            "UPDATE messages SET version = ? WHERE chat_id = ? AND message_number = ? AND version < ?";

    private final JdbcDatabase database;
    private final SqlDialect dialect;
    private final HandleCalls calls;
    private final ChatIds chatIds = new ChatIds(ChatIds.DEFAULT_CAPACITY);

    /** A store on the database, which it closes on {@link #close()}. */
    protected JdbcChatStore(JdbcDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
        this.dialect = database.dialect();
        this.calls = new HandleCalls(database.dataSource(), dialect);
    }

    /**
     * This store as its one writer uses it: every call on the connections the database keeps for writes ({@link
     * JdbcDatabase#writeDataSource}), the lookups and the purge a batch needs as well as the batch itself. Closing it
     * closes nothing; the store is closed on its own.
     */
    public ChatStore writer() {
        if (database.writeDataSource() == database.dataSource()) {
            return this;
        }
        return new JdbcChatStore(database.forWrites());
    }

    @Override
    public Application createApplication(String token, String name, Instant at) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(name, "name");
        long micros = Rows.micros(at);
        try {
            return calls.retried("create an application", handle -> {
                Applications.insert(handle, token, name, micros);
                return Reads.application(handle, token).orElseThrow();
            });
        } catch (JdbiException e) {
            if (Failures.isConstraintViolation(e)) {
                throw new ConflictException("an application with this token exists", e);
            }
            throw Failures.unavailable(dialect, "create an application", e);
        }
    }

    @Override
    public Optional<Application> application(String token) {
        return calls.read("read an application", handle -> Reads.application(handle, token));
    }

    @Override
    public Optional<Application> renameApplication(String token, String name, Instant at) {
        Objects.requireNonNull(name, "name");
        long micros = Rows.micros(at);
        return calls.transaction("rename an application", handle -> Applications.rename(handle, token, name, micros));
    }

    @Override
    public List<Application> applications(Optional<String> afterToken, int limit) {
        return calls.read("list applications", handle -> Reads.applications(handle, afterToken, limit));
    }

    @Override
    public Optional<Chat> chat(String token, long chatNumber) {
        return calls.read("read a chat", handle -> Reads.chat(handle, token, chatNumber));
    }

    /** From the cache of chat ids without a connection when the chat was found before, else one id lookup. */
    @Override
    public boolean hasChat(String token, long chatNumber) {
        return chatIds.cached(token, chatNumber)
                || inChat("find a chat", token, chatNumber, false, (handle, id) -> true);
    }

    @Override
    public List<Chat> chats(String token, long after, int limit) {
        return calls.read("list chats", handle -> Reads.chats(handle, token, after, limit));
    }

    @Override
    public Optional<Message> message(String token, long chatNumber, long messageNumber) {
        return inChat(
                "read a message",
                token,
                chatNumber,
                Optional.empty(),
                (handle, id) -> Reads.message(handle, id, chatNumber, messageNumber));
    }

    @Override
    public List<Message> messages(String token, long chatNumber, long after, int limit) {
        return inChat(
                "list messages",
                token,
                chatNumber,
                List.of(),
                (handle, id) -> Reads.messages(handle, id, chatNumber, after, limit));
    }

    @Override
    public List<Message> messages(String token, long chatNumber, Collection<Long> messageNumbers) {
        if (messageNumbers.isEmpty()) {
            return List.of();
        }
        return inChat(
                "read messages",
                token,
                chatNumber,
                List.of(),
                (handle, id) -> Reads.messages(handle, id, chatNumber, messageNumbers));
    }

    @Override
    public long maxChatNumber(String token) {
        return calls.read("read the last chat number", handle -> Reads.maxChatNumber(handle, token));
    }

    @Override
    public long maxMessageNumber(String token, long chatNumber) {
        return inChat("read the last message number", token, chatNumber, 0L, Reads::maxMessageNumber);
    }

    @Override
    public long maxMessageVersion(String token, long chatNumber) {
        return inChat("read the chat's highest message version", token, chatNumber, 0L, Reads::chatMaxMessageVersion);
    }

    /** From {@code version_marks}, which every write of a version raises in its transaction: a few rows. */
    @Override
    public long maxMessageVersion() {
        return calls.read("read the highest message version", VersionMarks::highest);
    }

    @Override
    public Displaced apply(List<Write> writes, Map<Write, IdempotencyRecord> records) {
        return apply(writes, records, VersionMarks.UNSHARDED, OptionalLong.empty());
    }

    @Override
    public Displaced apply(List<Write> writes, int shard) {
        return apply(writes, Map.of(), shard, OptionalLong.empty());
    }

    @Override
    public Displaced apply(List<Write> writes, int shard, long version) {
        return apply(writes, Map.of(), shard, OptionalLong.of(version));
    }

    /**
     * The batch with the version mark of {@code shard}, the idempotency records of its creates not displaced and, when
     * {@code persisted} is given, the shard's persisted mark: one transaction.
     */
    private Displaced apply(
            List<Write> writes, Map<Write, IdempotencyRecord> records, int shard, OptionalLong persisted) {
        if (writes.isEmpty() && records.isEmpty() && persisted.isEmpty()) {
            return Displaced.NONE;
        }
        String action = "apply " + writes.size() + " writes";
        try {
            return calls.retried(action, handle -> {
                Displaced displaced = BatchWriter.apply(handle, writes, shard);
                records.forEach((create, record) -> {
                    // Not a displaced one: its number names another write. The caller found no live record of this
                    // key, so any older one has expired.
                    if (!displaced.contains(create)) {
                        IdempotencyRecords.insert(handle, List.of(record), record.at());
                    }
                });
                if (persisted.isPresent()) {
                    ShardMarks.raise(handle, shard, persisted.getAsLong());
                }
                return displaced;
            });
        } catch (ConnectionException e) { // before a transaction began, and any before it was rolled back
            throw new NothingAppliedException(
                    Failures.unavailable(dialect, action, e).getMessage(), e);
        } catch (JdbiException e) {
            throw Failures.unavailable(dialect, action, e);
        }
    }

    /** With the unsharded version mark when the row changed, in one transaction: the mark never trails the row. */
    @Override
    public void raiseMessageVersion(String token, long chatNumber, long messageNumber, long version) {
        calls.transaction("raise a message's version", handle -> {
            chatIds.find(handle, token, chatNumber).ifPresent(chatId -> {
                if (handle.execute(RAISE_MESSAGE_VERSION, version, chatId, messageNumber, version) > 0) {
                    VersionMarks.raise(handle, VersionMarks.UNSHARDED, version);
                }
            });
            return null;
        });
    }

    /** A statement of its own, committed at once: for a shard whose drainer is idle (busy ones mark in a batch). */
    @Override
    public void markPersisted(int shard, long version) {
        calls.autocommitted("record a persisted mark", handle -> {
            ShardMarks.raise(handle, shard, version);
            return null;
        });
    }

    @Override
    public Map<Integer, Long> persistedMarks() {
        return calls.read("read the persisted marks", ShardMarks::all);
    }

    @Override
    public long persistedMark(int shard) {
        return calls.read("read a persisted mark", handle -> ShardMarks.of(handle, shard));
    }

    @Override
    public Optional<IdempotencyRecord> idempotencyRecord(String scope, String key, Instant notBefore) {
        return calls.read(
                "read an idempotency key", handle -> IdempotencyRecords.find(handle, scope, key, notBefore, false));
    }

    @Override
    public Optional<IdempotencyRecord> createApplication(
            String token, String name, Instant at, IdempotencyRecord record, Instant notBefore) {
        try {
            return calls.retried(
                    "create an application",
                    handle -> Applications.insertOnce(handle, token, name, at, record, notBefore));
        } catch (JdbiException e) {
            if (Failures.isConstraintViolation(e)) {
                // A concurrent create with the same key won the race: answer with its record.
                Optional<IdempotencyRecord> winner = idempotencyRecord(record.scope(), record.key(), notBefore);
                if (winner.isPresent()) {
                    return winner;
                }
                throw new ConflictException("an application with this token exists", e);
            }
            throw Failures.unavailable(dialect, "create an application", e);
        }
    }

    @Override
    public long purgeIdempotencyRecords(Instant before, int limit) {
        return calls.transaction("purge idempotency keys", handle -> IdempotencyRecords.purge(handle, before, limit));
    }

    @Override
    public MessageBatch messagesForIndex(Optional<String> token, long cursor, int limit) {
        return calls.read("read messages to index", handle -> Reads.messagesForIndex(handle, token, cursor, limit));
    }

    /** The highest message id: the cursor of messagesForIndex is the last id it returned. */
    @Override
    public long lastIndexCursor() {
        return calls.read("read the last message id", Reads::maxMessageId);
    }

    @Override
    public long countMessages(Optional<String> token) {
        return calls.read("count messages", handle -> Reads.countMessages(handle, token));
    }

    @Override
    public long countApplications() {
        return calls.read("count applications", handle -> Reads.count(handle, "SELECT COUNT(*) FROM applications"));
    }

    @Override
    public long countChats() {
        return calls.read("count chats", handle -> Reads.count(handle, "SELECT COUNT(*) FROM chats"));
    }

    /**
     * {@inheritDoc}
     *
     * @throws ReconcileFailedException when a range or a row failed and others committed corrections (the later ranges
     *     and rows are still checked; any other failure is thrown as it is)
     */
    @Override
    public ReconcileReport reconcile() {
        return new CountReconciliation(calls::read, calls::transaction, e -> Failures.isWorthRetrying(dialect, e))
                .run();
    }

    @Override
    public String schemaVersion() {
        return calls.read(
                "read the schema version",
                handle -> handle.createQuery("SELECT version FROM flyway_schema_history"
                                + " WHERE success = 1 AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")
                        .mapTo(String.class)
                        .findOne()
                        .orElse("none"));
    }

    @Override
    public BackendStatus health() {
        try {
            calls.untranslated(handle -> Reads.count(handle, "SELECT 1"));
            return BackendStatus.up("store", dialect.kind());
        } catch (RuntimeException e) {
            return BackendStatus.down("store", dialect.kind(), Failures.describe(e));
        }
    }

    /** Closes the database handle: its pool and whatever its adapter opened. */
    @Override
    public void close() {
        database.close();
    }

    /** Reads from the chat's rows through its id ({@link ChatIds}); {@code none} when there is no such chat. */
    private <T> T inChat(String action, String token, long chatNumber, T none, BiFunction<Handle, Long, T> read) {
        return calls.read(
                action,
                handle -> chatIds.find(handle, token, chatNumber)
                        .map(id -> read.apply(handle, id))
                        .orElse(none));
    }
}
