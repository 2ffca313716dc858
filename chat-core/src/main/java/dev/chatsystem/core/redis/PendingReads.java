package dev.chatsystem.core.redis;

import static dev.chatsystem.core.redis.RedisCalls.call;

import dev.chatsystem.core.Chat;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.spi.ChatStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.LongStream;

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
        return pendingFields(token, messagePrefix(chatNumber), after, limit).entrySet().stream()
                .map(e -> message(token, chatNumber, e.getKey(), e.getValue()))
                .toList();
    }

    /** The pending entries of the chat's messages {@code numbers}, by number, read with one {@code HMGET}. */
    Map<Long, Message> messages(String token, long chatNumber, List<Long> numbers) {
        Map<Long, Message> found = new HashMap<>();
        pendingValues(token, messagePrefix(chatNumber), numbers)
                .forEach((number, value) -> found.put(number, message(token, chatNumber, number, value)));
        return found;
    }

    /**
     * The pending entries numbered {@code after + 1} to {@code after + limit}, ascending, read with one {@code HMGET}
     * of exactly those fields. Numbers are gap-free, so the first {@code limit} numbers after {@code after} are those,
     * each either stored or pending: a page merged from the store's rows and these misses nothing, however many
     * writes the application has pending (scanning the whole hash for a page would cost as much as the backlog).
     */
    private SortedMap<Long, String> pendingFields(String token, String prefix, long after, int limit) {
        int count = (int) Math.min(limit, Long.MAX_VALUE - after);
        List<Long> numbers = count <= 0
                ? List.of()
                : LongStream.rangeClosed(after + 1, after + count).boxed().toList();
        return pendingValues(token, prefix, numbers);
    }

    /** The values of the fields {@code prefix + number} that are pending, by number; one {@code HMGET}. */
    private SortedMap<Long, String> pendingValues(String token, String prefix, List<Long> numbers) {
        SortedMap<Long, String> found = new TreeMap<>();
        if (numbers.isEmpty()) {
            return found;
        }
        String[] fields = numbers.stream().map(number -> prefix + number).toArray(String[]::new);
        List<String> values = call(() -> pipeline.hmget(keys.pending(token), fields));
        for (int i = 0; i < fields.length; i++) {
            if (values.get(i) != null) { // null: stored already (or never created): the store's rows cover it
                found.put(numbers.get(i), values.get(i));
            }
        }
        return found;
    }

    private static String messagePrefix(long chatNumber) {
        return "m:" + chatNumber + ":";
    }

    /** A pending message; an edit of a stored message takes its creation time from the store. */
    private Message message(String token, long chatNumber, long messageNumber, String value) {
        return PendingValues.message(
                chatNumber,
                messageNumber,
                value,
                () -> store.message(token, chatNumber, messageNumber).map(Message::createdAt));
    }

    Optional<Chat> chat(String token, long chatNumber) {
        String value = call(() -> pipeline.hget(keys.pending(token), RedisKeys.chatField(chatNumber)));
        return Optional.ofNullable(value).map(v -> PendingValues.chat(chatNumber, v));
    }

    Optional<Message> message(String token, long chatNumber, long messageNumber) {
        String value =
                call(() -> pipeline.hget(keys.pending(token), RedisKeys.messageField(chatNumber, messageNumber)));
        return Optional.ofNullable(value).map(v -> message(token, chatNumber, messageNumber, v));
    }
}
