package dev.chatsystem.core.internal;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.ConflictException;
import dev.chatsystem.core.Health;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.NotFoundException;
import dev.chatsystem.core.Page;
import dev.chatsystem.core.PageRequest;
import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.ReindexListener;
import dev.chatsystem.core.ReindexReport;
import dev.chatsystem.core.Stats;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Numbering;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.spi.WritePath;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The {@link ChatSystem} over the ports: validates input, answers existence from {@link Numbering}, sends creates and
 * edits through the {@link WritePath} and reads from the {@link ChatStore} and {@link SearchIndex}.
 */
final class DefaultChatSystem implements ChatSystem {
    private final Backends backends;
    private final Reindexer reindexer;
    private final Clock clock;
    private final Tokens tokens = new Tokens();
    private final KnownApplications known = new KnownApplications();

    DefaultChatSystem(Backends backends, Clock clock) {
        this.backends = Objects.requireNonNull(backends, "backends");
        this.reindexer = new Reindexer(backends.store(), backends.index(), backends.indexLock());
        this.clock = Objects.requireNonNull(clock, "clock");
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
        known.add(created.token());
        return created;
    }

    @Override
    public Application application(String token) {
        return lookup(token).orElseThrow(() -> applicationNotFound(token));
    }

    @Override
    public Application renameApplication(String token, String name) {
        String valid = Validation.applicationName(name);
        if (!Tokens.plausible(token)) {
            throw applicationNotFound(token);
        }
        return store().renameApplication(token, valid, now()).orElseThrow(() -> applicationNotFound(token));
    }

    @Override
    public List<Application> listApplications(Optional<String> afterToken, int limit) {
        return store().applications(afterToken, new PageRequest(0, limit).limit());
    }

    @Override
    public Chat createChat(String token) {
        if (!Tokens.plausible(token)
                || !known.contains(token, t -> store().application(t).isPresent())) {
            throw applicationNotFound(token);
        }
        Instant at = now();
        long number = writes().createChat(token, at);
        return new Chat(number, 0, at);
    }

    @Override
    public Chat chat(String token, long chatNumber) {
        Validation.number("chat_number", chatNumber);
        if (!Tokens.plausible(token)) {
            throw applicationNotFound(token);
        }
        return store().chat(token, chatNumber)
                .or(() -> writes().pendingChat(token, chatNumber))
                .orElseThrow(() -> chatNotFound(token, chatNumber));
    }

    @Override
    public Page<Chat> listChats(String token, PageRequest page) {
        application(token);
        List<Chat> rows = store().chats(token, page.after(), page.limit() + 1);
        return page(rows, page, Chat::chatNumber);
    }

    @Override
    public Message createMessage(String token, long chatNumber, String body) {
        String valid = Validation.messageBody(body);
        requireChat(token, chatNumber);
        Instant at = now();
        long number = writes().createMessage(token, chatNumber, valid, at);
        return new Message(chatNumber, number, valid, at, at);
    }

    @Override
    public Message message(String token, long chatNumber, long messageNumber) {
        Validation.number("chat_number", chatNumber);
        Validation.number("message_number", messageNumber);
        return latest(token, chatNumber, messageNumber)
                .orElseThrow(() -> messageNotFound(token, chatNumber, messageNumber));
    }

    @Override
    public Page<Message> listMessages(String token, long chatNumber, PageRequest page) {
        requireChat(token, chatNumber);
        List<Message> rows = store().messages(token, chatNumber, page.after(), page.limit() + 1);
        return page(rows, page, Message::messageNumber);
    }

    @Override
    public Message editMessage(String token, long chatNumber, long messageNumber, String body) {
        String valid = Validation.messageBody(body);
        Validation.number("message_number", messageNumber);
        requireChat(token, chatNumber);
        if (messageNumber > backends.numbering().lastMessageNumber(token, chatNumber)) {
            throw messageNotFound(token, chatNumber, messageNumber);
        }
        Instant at = now();
        writes().editMessage(token, chatNumber, messageNumber, valid, at);
        return latest(token, chatNumber, messageNumber)
                .orElseThrow(() -> messageNotFound(token, chatNumber, messageNumber));
    }

    @Override
    public List<Message> searchMessages(String token, long chatNumber, String query, int limit) {
        String valid = Validation.searchQuery(query);
        Validation.searchLimit(limit);
        requireChat(token, chatNumber);
        List<Long> ranked = backends.index().search(token, chatNumber, valid, limit);
        if (ranked.isEmpty()) {
            return List.of();
        }
        Map<Long, Message> found = store().messages(token, chatNumber, ranked).stream()
                .collect(Collectors.toMap(Message::messageNumber, Function.identity()));
        List<Message> result = new ArrayList<>(ranked.size());
        for (Long number : ranked) {
            Message message = found.get(number);
            if (message != null) {
                result.add(message);
            }
        }
        return result;
    }

    @Override
    public Health health() {
        List<BackendStatus> statuses = new ArrayList<>();
        statuses.add(store().health());
        statuses.add(backends.index().health());
        statuses.add(writes().health());
        return new Health(statuses);
    }

    @Override
    public ReconcileReport reconcileCounts() {
        return backends.reconciler().reconcile();
    }

    @Override
    public ReindexReport reindex(Optional<String> token, ReindexListener listener) {
        if (token.isPresent()) {
            application(token.get());
        }
        return reindexer.reindex(token, Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public long reseedNumbering() {
        return backends.numbering().reseed(store());
    }

    @Override
    public Stats stats() {
        return new Stats(
                store().countApplications(),
                store().countChats(),
                store().countMessages(Optional.empty()),
                backends.index().count(),
                writes().pending());
    }

    @Override
    public List<QueueBacklog> queueBacklog() {
        return writes().backlog();
    }

    @Override
    public void close() {
        backends.close();
    }

    private Optional<Application> lookup(String token) {
        return Tokens.plausible(token) ? store().application(token) : Optional.empty();
    }

    /** A pending create or edit is newer than the stored row, so it wins. */
    private Optional<Message> latest(String token, long chatNumber, long messageNumber) {
        if (!Tokens.plausible(token)) {
            return Optional.empty();
        }
        return writes().pendingMessage(token, chatNumber, messageNumber)
                .or(() -> store().message(token, chatNumber, messageNumber));
    }

    private void requireChat(String token, long chatNumber) {
        Validation.number("chat_number", chatNumber);
        if (!Tokens.plausible(token) || chatNumber > backends.numbering().lastChatNumber(token)) {
            throw chatNotFound(token, chatNumber);
        }
    }

    private static <T> Page<T> page(List<T> rows, PageRequest request, java.util.function.ToLongFunction<T> key) {
        if (rows.size() <= request.limit()) {
            return new Page<>(rows, OptionalLong.empty());
        }
        List<T> items = rows.subList(0, request.limit());
        return new Page<>(items, OptionalLong.of(key.applyAsLong(items.get(items.size() - 1))));
    }

    private NotFoundException applicationNotFound(String token) {
        return new NotFoundException("no application with token " + abbreviate(token));
    }

    private NotFoundException chatNotFound(String token, long chatNumber) {
        if (lookup(token).isEmpty()) {
            return applicationNotFound(token);
        }
        return new NotFoundException("application has no chat " + chatNumber);
    }

    private NotFoundException messageNotFound(String token, long chatNumber, long messageNumber) {
        if (chatNumber > backends.numbering().lastChatNumber(token)) {
            return chatNotFound(token, chatNumber);
        }
        return new NotFoundException("chat " + chatNumber + " has no message " + messageNumber);
    }

    private static String abbreviate(String token) {
        String safe = String.valueOf(token);
        return safe.length() > 64 ? safe.substring(0, 64) + "…" : safe;
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
