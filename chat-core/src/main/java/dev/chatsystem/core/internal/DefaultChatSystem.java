package dev.chatsystem.core.internal;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.ConflictException;
import dev.chatsystem.core.Created;
import dev.chatsystem.core.Health;
import dev.chatsystem.core.IdempotencyKey;
import dev.chatsystem.core.IdempotencyMismatchException;
import dev.chatsystem.core.InvalidInputException;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.NotFoundException;
import dev.chatsystem.core.Page;
import dev.chatsystem.core.PageRequest;
import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.QueueMemory;
import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.ReindexListener;
import dev.chatsystem.core.ReindexReport;
import dev.chatsystem.core.Stats;
import dev.chatsystem.core.search.QueryWords;
import dev.chatsystem.core.spi.Accepted;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Edited;
import dev.chatsystem.core.spi.Idempotency;
import dev.chatsystem.core.spi.IdempotencyRecord;
import dev.chatsystem.core.spi.Numbering;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.spi.WritePath;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@link ChatSystem} over the ports: validates input, answers existence from {@link Numbering}, sends creates and
 * edits through the {@link WritePath} and reads from the {@link ChatStore} and {@link SearchIndex}.
 */
final class DefaultChatSystem implements ChatSystem {
    private final Backends backends;
    private final Reindexer reindexer;
    private final Clock clock;
    private final Duration retention;
    private final Tokens tokens = new Tokens();
    private final Existence existence;
    private final HealthChecks healthChecks;
    private final QueryWords queryWords = new QueryWords();

    DefaultChatSystem(Backends backends, Clock clock, Duration idempotencyRetention) {
        this.backends = Objects.requireNonNull(backends, "backends");
        this.retention = Objects.requireNonNull(idempotencyRetention, "idempotencyRetention");
        this.reindexer = new Reindexer(
                backends.store(),
                backends.index(),
                Reindexer.StoredWrites.of(backends.writes()),
                backends.indexLock(),
                backends.jobLock());
        this.clock = Objects.requireNonNull(clock, "clock");
        this.existence = new Existence(backends.store(), backends.numbering());
        this.healthChecks = new HealthChecks(
                List.of(
                        new HealthChecks.Check("store", () -> backends.store().health()),
                        new HealthChecks.Check("search", () -> backends.index().health()),
                        new HealthChecks.Check("writes", () -> backends.writes().health())),
                HealthChecks.DEADLINE);
    }

    @Override
    public Application createApplication(String name) {
        String valid = Validation.applicationName(name);
        Application created;
        try {
            created = store().createApplication(tokens.next(), valid, now());
        } catch (ConflictException collision) {
            // 192 random bits make this practically impossible; one retry covers it without hiding a real bug.
            created = store().createApplication(tokens.next(), valid, now());
        }
        backends.numbering().applicationCreated(created.token());
        return created;
    }

    @Override
    public Created<Application> createApplication(String name, IdempotencyKey key) {
        String valid = Validation.applicationName(name);
        Validation.applicationKey(key);
        Instant at = now();
        IdempotencyRecord record = new IdempotencyRecord(
                "applications", key.value(), Fingerprints.of("application", valid), tokens.next(), at);
        Optional<IdempotencyRecord> earlier =
                store().createApplication(record.result(), valid, at, record, at.minus(retention));
        if (earlier.isEmpty()) {
            backends.numbering().applicationCreated(record.result());
            return new Created<>(new Application(record.result(), valid, 0, at), false);
        }
        requireSameRequest(earlier.get().fingerprint(), record.fingerprint());
        return new Created<>(
                new Application(earlier.get().result(), valid, 0, earlier.get().at()), true);
    }

    @Override
    public Application application(String token) {
        return existence
                .application(token)
                .map(this::withLiveCount)
                .orElseThrow(() -> existence.applicationNotFound(token));
    }

    @Override
    public Application renameApplication(String token, String name) {
        String valid = Validation.applicationName(name);
        if (!Tokens.plausible(token)) {
            throw existence.applicationNotFound(token);
        }
        return store().renameApplication(token, valid, now())
                .map(this::withLiveCount)
                .orElseThrow(() -> existence.applicationNotFound(token));
    }

    @Override
    public List<Application> listApplications(Optional<String> afterToken, int limit) {
        Validation.required(afterToken, "afterToken", "Optional.empty() for the first page");
        // The cursor is a token from an earlier page. Anything else is refused before the store sees it: MySQL cannot
        // even compare a non-ASCII string with the ascii_bin token column, and would fail the call as unavailable.
        if (afterToken.isPresent() && !Tokens.plausible(afterToken.get())) {
            throw new InvalidInputException(
                    "after must be an application token, was " + Existence.abbreviate(afterToken.get()));
        }
        // With live counts where the numbering knows them at once: the stored count lags the chats created
        // meanwhile, but a listing must neither seed counters after a loss of Redis data nor fail while Redis is down.
        List<Application> stored = store().applications(afterToken, new PageRequest(0, limit).limit());
        Map<String, Long> live = backends.numbering()
                .knownLastChatNumbers(stored.stream().map(Application::token).toList());
        return stored.stream()
                .map(app -> withCount(app, Optional.ofNullable(live.get(app.token()))))
                .toList();
    }

    @Override
    public Chat createChat(String token) {
        return createChat(token, Optional.empty()).value();
    }

    @Override
    public Created<Chat> createChat(String token, IdempotencyKey key) {
        return createChat(token, Optional.of(Validation.required(key, "key")));
    }

    private Created<Chat> createChat(String token, Optional<IdempotencyKey> key) {
        // Existence from the numbering (Redis in the distributed form): a create never reads the store.
        if (!Tokens.plausible(token) || backends.numbering().lastChatNumber(token) < 0) {
            throw existence.applicationNotFound(token);
        }
        Optional<Idempotency> idempotency = key.map(k -> idempotency("chats:" + token, k, "chat", ""));
        Accepted accepted = writes().createChat(token, now(), idempotency);
        return new Created<>(new Chat(accepted.number(), 0, accepted.at()), accepted.replayed());
    }

    @Override
    public Chat chat(String token, long chatNumber) {
        Validation.number("chat_number", chatNumber);
        if (!Tokens.plausible(token)) {
            throw existence.applicationNotFound(token);
        }
        // Pending first, as for messages: a worker persists and then forgets the pending entry, so reading the store
        // first could miss the row just before the commit and the pending entry just after it (a 404 for a chat
        // whose create returned 201).
        Chat chat = writes().pendingChat(token, chatNumber)
                .or(() -> store().chat(token, chatNumber))
                .orElseThrow(() -> existence.chatNotFound(token, chatNumber));
        long live = backends.numbering().lastMessageNumber(token, chatNumber);
        return live > chat.messagesCount() ? new Chat(chatNumber, live, chat.createdAt()) : chat;
    }

    @Override
    public Page<Chat> listChats(String token, PageRequest page) {
        Validation.required(page, "page");
        application(token);
        List<Chat> pending = writes().pendingChats(token, page.after(), page.limit() + 1);
        List<Chat> stored = store().chats(token, page.after(), page.limit() + 1);
        List<Chat> rows = Merge.byNumber(stored, pending, Chat::chatNumber, page.limit() + 1);
        Map<Long, Long> live = backends.numbering()
                .lastMessageNumbers(token, rows.stream().map(Chat::chatNumber).toList());
        List<Chat> counted = rows.stream()
                .map(chat -> live.getOrDefault(chat.chatNumber(), 0L) > chat.messagesCount()
                        ? new Chat(chat.chatNumber(), live.get(chat.chatNumber()), chat.createdAt())
                        : chat)
                .toList();
        return Merge.page(counted, page, Chat::chatNumber);
    }

    @Override
    public Message createMessage(String token, long chatNumber, String body) {
        return createMessage(token, chatNumber, body, Optional.empty()).value();
    }

    @Override
    public Created<Message> createMessage(String token, long chatNumber, String body, IdempotencyKey key) {
        return createMessage(token, chatNumber, body, Optional.of(Validation.required(key, "key")));
    }

    private Created<Message> createMessage(String token, long chatNumber, String body, Optional<IdempotencyKey> key) {
        String valid = Validation.messageBody(body);
        WritePath writes = writes();
        if (writes.refusesUnknownParents()) {
            existence.requirePlausibleChat(token, chatNumber);
        } else {
            existence.requireChat(token, chatNumber);
        }
        Optional<Idempotency> idempotency =
                key.map(k -> idempotency("messages:" + token + ":" + chatNumber, k, "message", valid));
        Accepted accepted;
        try {
            accepted = writes.createMessage(token, chatNumber, valid, now(), idempotency);
        } catch (NotFoundException e) {
            throw existence.chatNotFound(token, chatNumber, e); // says whether the application or the chat is missing
        }
        Message message = new Message(chatNumber, accepted.number(), valid, accepted.at(), accepted.at());
        return new Created<>(message, accepted.replayed());
    }

    private Idempotency idempotency(String scope, IdempotencyKey key, String operation, String content) {
        return new Idempotency(scope, key.value(), Fingerprints.of(operation, content), retention);
    }

    private static void requireSameRequest(String earlier, String now) {
        if (!earlier.equals(now)) {
            throw new IdempotencyMismatchException(
                    "Idempotency-Key was already used with a different request in this scope");
        }
    }

    @Override
    public Message message(String token, long chatNumber, long messageNumber) {
        Validation.number("chat_number", chatNumber);
        Validation.number("message_number", messageNumber);
        if (!Tokens.plausible(token)) {
            throw existence.applicationNotFound(token);
        }
        return latest(token, chatNumber, messageNumber)
                .orElseThrow(() -> existence.messageNotFound(token, chatNumber, messageNumber));
    }

    @Override
    public Page<Message> listMessages(String token, long chatNumber, PageRequest page) {
        Validation.required(page, "page");
        existence.requireChat(token, chatNumber);
        // Pending first: it may be an edit newer than the stored row.
        List<Message> pending = writes().pendingMessages(token, chatNumber, page.after(), page.limit() + 1);
        List<Message> stored = store().messages(token, chatNumber, page.after(), page.limit() + 1);
        List<Message> rows = Merge.byNumber(pending, stored, Message::messageNumber, page.limit() + 1);
        return Merge.page(rows, page, Message::messageNumber);
    }

    @Override
    public Message editMessage(String token, long chatNumber, long messageNumber, String body) {
        String valid = Validation.messageBody(body);
        Validation.number("message_number", messageNumber);
        existence.requireChat(token, chatNumber);
        if (messageNumber > backends.numbering().lastMessageNumber(token, chatNumber)) {
            throw existence.messageNotFound(token, chatNumber, messageNumber);
        }
        // Dated with the time the write path stored it with, not now(): that was read before the edit was put in
        // order, and an edit ordered after another must not answer an earlier time than the one it replaced.
        Edited edited = writes().editMessage(token, chatNumber, messageNumber, valid, now());
        // Read back for the creation time only: by now another edit may have replaced this one's body, and the
        // answer is what this edit wrote, in its place in the order of the message's edits.
        return edited.createdAt()
                .or(() -> latest(token, chatNumber, messageNumber).map(Message::createdAt))
                .map(created -> new Message(chatNumber, messageNumber, valid, created, edited.updatedAt()))
                .orElseThrow(() -> existence.messageNotFound(token, chatNumber, messageNumber));
    }

    @Override
    public List<Message> searchMessages(String token, long chatNumber, String query, int limit) {
        String valid = Validation.searchQuery(query);
        Validation.searchLimit(limit);
        queryWords.words(valid); // too many or too long words: refused before any lookup or wait for the indexer
        existence.requireChat(token, chatNumber);
        writes().awaitSearchable(token, chatNumber);
        // Asked again for more when hits were left out and the index may hold more: a page comes back short only
        // when there is no more to show.
        for (int asked = limit; ; asked = Math.min(Validation.MAX_SEARCH_LIMIT, asked * 2)) {
            List<Long> ranked = backends.index().search(token, chatNumber, valid, asked);
            List<Message> shown =
                    RankedMessages.shown(writes(), store(), queryWords, token, chatNumber, valid, ranked, limit);
            if (shown.size() >= limit || ranked.size() < asked || asked == Validation.MAX_SEARCH_LIMIT) {
                return shown;
            }
        }
    }

    @Override
    public Health health() {
        return healthChecks.check();
    }

    @Override
    public BackendStatus searchHealth() {
        return healthChecks.check("search");
    }

    @Override
    public ReconcileReport reconcileCounts() {
        return backends.reconciler().reconcile();
    }

    @Override
    public ReindexReport reindex(Optional<String> token, ReindexListener listener) {
        Validation.required(token, "token", "Optional.empty() for every application");
        Validation.required(listener, "listener", "ReindexListener.NONE for none");
        if (token.isPresent()) {
            application(token.get());
        }
        return reindexer.reindex(token, listener);
    }

    @Override
    public long reseedNumbering() {
        return backends.numbering().reseed(store());
    }

    @Override
    public String schemaVersion() {
        return store().schemaVersion();
    }

    @Override
    public Stats stats() {
        writes().awaitSearchable(); // else the index count trails the caller's own writes, as search would
        long applications = store().countApplications();
        long chats = store().countChats();
        long messages = store().countMessages(Optional.empty());
        long pending = writes().pending();
        try {
            return new Stats(applications, chats, messages, backends.index().count(), pending);
        } catch (BackendUnavailableException e) {
            // The index missing or down says nothing about the store: its totals are still worth showing.
            return new Stats(applications, chats, messages, OptionalLong.empty(), pending, Optional.of(e.getMessage()));
        }
    }

    @Override
    public List<QueueBacklog> queueBacklog() {
        return writes().backlog();
    }

    @Override
    public List<QueueMemory> queueMemory() {
        return writes().queueMemory();
    }

    @Override
    public void close() {
        try {
            backends.close();
        } finally {
            queryWords.close();
        }
    }

    /**
     * Numbers are gap-free, so the last chat number is the exact count of chats accepted: shown when the stored
     * count has not caught up yet, a client never sees fewer chats than it created.
     */
    private Application withLiveCount(Application app) {
        return withCount(app, Optional.of(backends.numbering().lastChatNumber(app.token())));
    }

    private static Application withCount(Application app, Optional<Long> live) {
        return live.isPresent() && live.get() > app.chatsCount()
                ? new Application(app.token(), app.name(), live.get(), app.createdAt())
                : app;
    }

    /** A pending create or edit is newer than the stored row, so it wins. */
    private Optional<Message> latest(String token, long chatNumber, long messageNumber) {
        if (!Tokens.plausible(token)) {
            return Optional.empty();
        }
        return writes().pendingMessage(token, chatNumber, messageNumber)
                .or(() -> store().message(token, chatNumber, messageNumber));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private ChatStore store() {
        return backends.store();
    }

    private WritePath writes() {
        return backends.writes();
    }
}
