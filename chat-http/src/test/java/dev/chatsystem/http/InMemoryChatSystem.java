package dev.chatsystem.http;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Health;
import dev.chatsystem.core.InvalidInputException;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.NotFoundException;
import dev.chatsystem.core.Page;
import dev.chatsystem.core.PageRequest;
import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.ReindexListener;
import dev.chatsystem.core.ReindexReport;
import dev.chatsystem.core.Stats;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * TEMPORARY test-only stand-in used while the embedded {@code ChatSystem.open} is not wired on main yet. It follows
 * the documented rules of the API closely enough to exercise the HTTP shell; it is not a storage implementation.
 */
final class InMemoryChatSystem implements ChatSystem {
    private final Map<String, Application> applications = new LinkedHashMap<>();
    private final Map<String, List<Chat>> chats = new LinkedHashMap<>();
    private final Map<String, List<Message>> messages = new LinkedHashMap<>();

    @Override
    public synchronized Application createApplication(String name) {
        Application application = new Application(UUID.randomUUID().toString(), name(name), 0, Instant.now());
        applications.put(application.token(), application);
        chats.put(application.token(), new ArrayList<>());
        return application;
    }

    @Override
    public synchronized Application application(String token) {
        Application application = applications.get(token);
        if (application == null) {
            throw new NotFoundException("no application with token " + token);
        }
        return new Application(token, application.name(), chats.get(token).size(), application.createdAt());
    }

    @Override
    public synchronized Application renameApplication(String token, String name) {
        Application old = application(token);
        applications.put(token, new Application(token, name(name), old.chatsCount(), old.createdAt()));
        return application(token);
    }

    @Override
    public synchronized List<Application> listApplications(Optional<String> afterToken, int limit) {
        return applications.keySet().stream()
                .sorted()
                .filter(t -> afterToken.map(a -> t.compareTo(a) > 0).orElse(true))
                .limit(limit)
                .map(this::application)
                .toList();
    }

    @Override
    public synchronized Chat createChat(String token) {
        application(token);
        List<Chat> list = chats.get(token);
        Chat chat = new Chat(list.size() + 1, 0, Instant.now());
        list.add(chat);
        messages.put(key(token, chat.chatNumber()), new ArrayList<>());
        return chat;
    }

    @Override
    public synchronized Chat chat(String token, long chatNumber) {
        application(token);
        List<Chat> list = chats.get(token);
        if (chatNumber < 1 || chatNumber > list.size()) {
            throw new NotFoundException("no chat " + chatNumber);
        }
        Chat chat = list.get((int) chatNumber - 1);
        return new Chat(chatNumber, messages.get(key(token, chatNumber)).size(), chat.createdAt());
    }

    @Override
    public synchronized Page<Chat> listChats(String token, PageRequest page) {
        application(token);
        List<Chat> all = new ArrayList<>();
        for (long n = 1; n <= chats.get(token).size(); n++) {
            all.add(chat(token, n));
        }
        return page(all, page, Chat::chatNumber);
    }

    @Override
    public synchronized Message createMessage(String token, long chatNumber, String body) {
        chat(token, chatNumber);
        List<Message> list = messages.get(key(token, chatNumber));
        Instant now = Instant.now();
        Message message = new Message(chatNumber, list.size() + 1, body(body), now, now);
        list.add(message);
        return message;
    }

    @Override
    public synchronized Message message(String token, long chatNumber, long messageNumber) {
        chat(token, chatNumber);
        List<Message> list = messages.get(key(token, chatNumber));
        if (messageNumber < 1 || messageNumber > list.size()) {
            throw new NotFoundException("no message " + messageNumber);
        }
        return list.get((int) messageNumber - 1);
    }

    @Override
    public synchronized Page<Message> listMessages(String token, long chatNumber, PageRequest page) {
        chat(token, chatNumber);
        return page(messages.get(key(token, chatNumber)), page, Message::messageNumber);
    }

    @Override
    public synchronized Message editMessage(String token, long chatNumber, long messageNumber, String body) {
        Message old = message(token, chatNumber, messageNumber);
        Message edited = new Message(chatNumber, messageNumber, body(body), old.createdAt(), Instant.now());
        messages.get(key(token, chatNumber)).set((int) messageNumber - 1, edited);
        return edited;
    }

    @Override
    public synchronized List<Message> searchMessages(String token, long chatNumber, String query, int limit) {
        chat(token, chatNumber);
        List<String> words = words(query);
        if (words.isEmpty()) {
            throw new InvalidInputException("the query has no words");
        }
        return messages.get(key(token, chatNumber)).stream()
                .filter(m -> words.stream()
                        .allMatch(w -> m.body().toLowerCase(Locale.ROOT).contains(w)))
                .limit(limit)
                .toList();
    }

    @Override
    public Health health() {
        return new Health(List.of(BackendStatus.up("store", "memory"), BackendStatus.up("search", "memory")));
    }

    @Override
    public ReconcileReport reconcileCounts() {
        return new ReconcileReport(List.of());
    }

    @Override
    public ReindexReport reindex(Optional<String> token, ReindexListener listener) {
        return new ReindexReport(0, java.time.Duration.ZERO);
    }

    @Override
    public synchronized Stats stats() {
        return new Stats(applications.size(), 0, 0, 0, 0);
    }

    @Override
    public void close() {}

    private static <T> Page<T> page(List<T> all, PageRequest page, java.util.function.ToLongFunction<T> number) {
        List<T> after =
                all.stream().filter(t -> number.applyAsLong(t) > page.after()).toList();
        List<T> items = after.stream().limit(page.limit()).toList();
        OptionalLong next = after.size() > items.size()
                ? OptionalLong.of(number.applyAsLong(items.getLast()))
                : OptionalLong.empty();
        return new Page<>(items, next);
    }

    private static List<String> words(String query) {
        return Arrays.stream(query.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(w -> !w.isEmpty())
                .toList();
    }

    private static String key(String token, long chatNumber) {
        return token + "/" + chatNumber;
    }

    private static String name(String name) {
        String trimmed = name.strip();
        if (trimmed.isEmpty() || trimmed.length() > 255) {
            throw new InvalidInputException("name must be 1..255 characters");
        }
        return trimmed;
    }

    private static String body(String body) {
        if (body.isBlank() || body.getBytes(StandardCharsets.UTF_8).length > 65_535) {
            throw new InvalidInputException("body must be 1..65535 bytes and not blank");
        }
        return body;
    }
}
