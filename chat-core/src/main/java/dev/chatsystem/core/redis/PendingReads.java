package dev.chatsystem.core.redis;

import static dev.chatsystem.core.redis.RedisWritePath.call;

import dev.chatsystem.core.Chat;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.spi.ChatStore;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * Reads of the pending hash: accepted writes a worker has not persisted yet, so a caller reads its own writes from
 * any instance (see {@link Scripts} for the value format).
 */
final class PendingReads {
    /** Lists merge pending writes only while an application has at most this many; beyond, lists wait for workers. */
    static final int MAX_PENDING_LISTED = 10_000;

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final ChatStore store;

    PendingReads(UnifiedJedis redis, RedisKeys keys, ChatStore store) {
        this.redis = redis;
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
     * The pending entries under {@code prefix} numbered after {@code after}, ascending, at most {@code limit}. Lists
     * only while the application's pending hash is small; a big backlog is left to persistence.
     */
    private java.util.SortedMap<Long, String> pendingFields(String token, String prefix, long after, int limit) {
        String key = keys.pending(token);
        long size = call(() -> redis.hlen(key));
        java.util.SortedMap<Long, String> found = new java.util.TreeMap<>();
        if (size == 0 || size > MAX_PENDING_LISTED) {
            return found;
        }
        java.util.TreeSet<Long> numbers = new java.util.TreeSet<>();
        for (String field : call(() -> redis.hkeys(key))) {
            if (field.startsWith(prefix) && field.indexOf(':', prefix.length()) < 0) {
                long number = Long.parseLong(field.substring(prefix.length()));
                if (number > after) {
                    numbers.add(number);
                }
            }
        }
        List<Long> wanted = numbers.stream().limit(limit).toList();
        if (wanted.isEmpty()) {
            return found;
        }
        String[] fields = wanted.stream().map(n -> prefix + n).toArray(String[]::new);
        List<String> values = call(() -> redis.hmget(key, fields));
        for (int i = 0; i < wanted.size(); i++) {
            if (values.get(i) != null) { // persisted and forgotten in between: the store has it
                found.put(wanted.get(i), values.get(i));
            }
        }
        return found;
    }

    Optional<Chat> chat(String token, long chatNumber) {
        String value = call(() -> redis.hget(keys.pending(token), RedisKeys.chatField(chatNumber)));
        return Optional.ofNullable(value).map(v -> PendingValues.chat(chatNumber, v));
    }

    Optional<Message> message(String token, long chatNumber, long messageNumber) {
        String value = call(() -> redis.hget(keys.pending(token), RedisKeys.messageField(chatNumber, messageNumber)));
        if (value == null) {
            return Optional.empty();
        }
        return Optional.of(PendingValues.message(
                chatNumber,
                messageNumber,
                value,
                () -> store.message(token, chatNumber, messageNumber).map(Message::createdAt)));
    }

    /** Entries the persisting group has not acknowledged yet: its pending entries plus its lag. */
}
