package dev.chatsystem.core.redis;

import static dev.chatsystem.core.redis.RedisWritePath.call;

import dev.chatsystem.core.Chat;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.spi.ChatStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads of the pending hash: accepted writes a worker has not persisted yet, so a caller reads its own writes from
 * any instance (see {@link Scripts} for the value format).
 */
final class PendingReads {
    private final SharedPipeline pipeline;
    private final RedisKeys keys;
    private final ChatStore store;

    PendingReads(SharedPipeline pipeline, RedisKeys keys, ChatStore store) {
        this.pipeline = pipeline;
        this.keys = keys;
        this.store = store;
    }

    List<Chat> chats(String token, long after, int limit) {
        return pendingFields(token, "c:", after, limit).entrySet().stream()
                .map(e -> PendingValues.chat(e.getKey(), e.getValue()))
                .toList();
    }

    List<Message> messages(String token, long chatNumber, long after, int limit) {
        return pendingFields(token, "m:" + chatNumber + ":", after, limit).entrySet().stream()
                .map(e -> PendingValues.message(
                        chatNumber,
                        e.getKey(),
                        e.getValue(),
                        () -> store.message(token, chatNumber, e.getKey()).map(Message::createdAt)))
                .toList();
    }

    /**
     * The pending entries numbered {@code after + 1} to {@code after + limit}, ascending, read with one {@code HMGET}
     * of exactly those fields. Numbers are gap-free, so the first {@code limit} numbers after {@code after} are those,
     * each either stored or pending: a page merged from the store's rows and these misses nothing, however many
     * writes the application has pending (scanning the whole hash for a page would cost as much as the backlog).
     */
    private SortedMap<Long, String> pendingFields(String token, String prefix, long after, int limit) {
        SortedMap<Long, String> found = new TreeMap<>();
        int count = (int) Math.min(limit, Long.MAX_VALUE - after);
        if (count <= 0) {
            return found;
        }
        String[] fields = new String[count];
        for (int i = 0; i < count; i++) {
            fields[i] = prefix + (after + 1 + i);
        }
        List<String> values = call(() -> pipeline.hmget(keys.pending(token), fields));
        for (int i = 0; i < count; i++) {
            if (values.get(i) != null) { // null: stored already (or never created): the store's rows cover it
                found.put(after + 1 + i, values.get(i));
            }
        }
        return found;
    }

    /** The pending entries of the chat's messages {@code numbers}, by number, read with one {@code HMGET}. */
    Map<Long, Message> messages(String token, long chatNumber, List<Long> numbers) {
        if (numbers.isEmpty()) {
            return Map.of();
        }
        String[] fields = numbers.stream()
                .map(number -> RedisKeys.messageField(chatNumber, number))
                .toArray(String[]::new);
        List<String> values = call(() -> pipeline.hmget(keys.pending(token), fields));
        Map<Long, Message> found = new HashMap<>();
        for (int i = 0; i < fields.length; i++) {
            String value = values.get(i);
            if (value != null) {
                long number = numbers.get(i);
                found.put(
                        number,
                        PendingValues.message(
                                chatNumber,
                                number,
                                value,
                                () -> store.message(token, chatNumber, number).map(Message::createdAt)));
            }
        }
        return found;
    }

    Optional<Chat> chat(String token, long chatNumber) {
        String value = call(() -> pipeline.hget(keys.pending(token), RedisKeys.chatField(chatNumber)));
        return Optional.ofNullable(value).map(v -> PendingValues.chat(chatNumber, v));
    }

    Optional<Message> message(String token, long chatNumber, long messageNumber) {
        String value =
                call(() -> pipeline.hget(keys.pending(token), RedisKeys.messageField(chatNumber, messageNumber)));
        if (value == null) {
            return Optional.empty();
        }
        return Optional.of(PendingValues.message(
                chatNumber,
                messageNumber,
                value,
                () -> store.message(token, chatNumber, messageNumber).map(Message::createdAt)));
    }
}
