package dev.chatsystem.core.internal;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Created;
import dev.chatsystem.core.Health;
import dev.chatsystem.core.IdempotencyKey;
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
    private final Existence existence;
    private final Applications applications;
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
        this.applications = new Applications(backends, existence, this::now, retention);
        this.healthChecks = new HealthChecks(
                List.of(
                        new HealthChecks.Check("store", () -> backends.store().health()),
                        new HealthChecks.Check("search", () -> backends.index().health()),
                        new HealthChecks.Check("writes", () -> backends.writes().health())),
                HealthChecks.DEADLINE);
    }

    @Override
    public Application createApplication(String name) {
        return applications.create(name);
    }

    @Override
    public Created<Application> createApplication(String name, IdempotencyKey key) {
        return applications.create(name, key);
    }

    @Override
    public Application application(String token) {
        return applications.get(token);
    }

    @Override
    public Application renameApplication(String token, String name) {
        return applications.rename(token, name);
    }

    @Override
    public List<Application> listApplications(Optional<String> afterToken, int limit) {
        return applications.list(afterToken, limit);
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
        if (!backends.numbering().hasMessage(token, chatNumber, messageNumber)) {
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
    public Optional<String> stoppedForGood() {
        return backends.writes().stoppedForGood();
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
