package dev.chatsystem.core.redis;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Displaced;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.spi.Write;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Repairs what a persist batch found {@link Displaced}: Redis came back with counters behind the store (restored from
 * a snapshot, an AOF synced every second, a failover to a lagging replica) and gave numbers the store holds to new
 * creates. First the counters are raised to the store's highest numbers, so that later creates get new ones; then
 * each displaced message is queued again as a create of the next number, with its body and creation time, so its
 * body is stored, and the stored message's index entry, which the index group replaced with the displaced body, is
 * written again. Its client was answered with the old number, which names another message: the log says which
 * number the body got instead. A displaced chat cannot be moved (its messages were queued under its number): its
 * counter is raised and it is logged.
 *
 * <p>Each message is queued again with an idempotency record of its stream entry's version, so a batch read again
 * after a failure queues it once. The stream's bound does not apply: the batch that found it cannot be acknowledged
 * before, and a full stream would otherwise wait for itself.
 */
final class DisplacedCreates {
    /** How long the record that a displaced create was queued again is kept: far longer than any retry. */
    static final Duration REMEMBERED = Duration.ofDays(1);

    private static final Logger LOG = LoggerFactory.getLogger(DisplacedCreates.class);
    private static final String UNBOUNDED = Long.toString(Long.MAX_VALUE);

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final ChatStore store;
    private final RedisWritePath writes;
    private final SearchIndex index;

    DisplacedCreates(UnifiedJedis redis, RedisKeys keys, ChatStore store, RedisWritePath writes, SearchIndex index) {
        this.redis = redis;
        this.keys = keys;
        this.store = store;
        this.writes = writes;
        this.index = index;
    }

    /** Raises the counters past the store's numbers, then queues each displaced message again. */
    void repair(Displaced displaced) {
        for (Write.ChatCreated chat : displaced.chats()) {
            writes.lastChatNumber(chat.token()); // seeds a missing counter the usual way before raising it
            raise(chat.token(), "c", store.maxChatNumber(chat.token()));
            LOG.error(
                    "chat {} of application {}… was numbered again after Redis went back behind the store; the stored"
                            + " chat keeps the number and its messages (run chat-cli reseed after restoring Redis)",
                    chat.chatNumber(),
                    prefix(chat.token()));
        }
        for (Write.MessageCreated message : displaced.messages()) {
            writes.lastMessageNumber(message.token(), message.chatNumber());
            raise(
                    message.token(),
                    "m:" + message.chatNumber(),
                    store.maxMessageNumber(message.token(), message.chatNumber()));
            long number = requeue(message);
            restoreIndexEntry(message);
            LOG.error(
                    "message {} of chat {} of application {}… was numbered again after Redis went back behind the"
                            + " store; its body is queued as message {} (run chat-cli reseed after restoring Redis)",
                    message.messageNumber(),
                    message.chatNumber(),
                    prefix(message.token()),
                    number);
        }
    }

    /**
     * The index group took the displaced create as a new body of the stored message, with a newer version than the
     * stored row's: the stored body is indexed again above that version, whichever group runs first.
     */
    private void restoreIndexEntry(Write.MessageCreated displaced) {
        store.message(displaced.token(), displaced.chatNumber(), displaced.messageNumber())
                .ifPresent(stored -> index.upsert(List.of(new IndexedMessage(
                        displaced.token(),
                        displaced.chatNumber(),
                        displaced.messageNumber(),
                        stored.body(),
                        displaced.version() + 1))));
    }

    private void raise(String token, String field, long storedMaximum) {
        RedisWritePath.call(() ->
                Scripts.RAISE.run(redis, List.of(keys.counters(token)), List.of(field, Long.toString(storedMaximum))));
    }

    private long requeue(Write.MessageCreated message) {
        String token = message.token();
        String chat = Long.toString(message.chatNumber());
        List<String> scriptKeys = List.of(
                keys.counters(token),
                keys.pending(token),
                keys.stream(token),
                keys.idempotency(token, "displaced:" + chat, Long.toString(message.version())));
        List<String> args = List.of(
                token,
                chat,
                message.body(),
                RedisWritePath.micros(message.at()),
                UNBOUNDED,
                "displaced",
                Long.toString(REMEMBERED.toSeconds()));
        Object reply = RedisWritePath.call(() -> Scripts.CREATE_MESSAGE.run(redis, scriptKeys, args));
        if (reply instanceof Long number) {
            return number;
        }
        if (reply instanceof List<?> list && "REPLAY".equals(list.get(0))) {
            return Long.parseLong(String.valueOf(list.get(1)));
        }
        throw new BackendUnavailableException("Redis refused to queue a displaced message again: " + reply);
    }

    private static String prefix(String token) {
        return token.substring(0, Math.min(6, token.length()));
    }
}
