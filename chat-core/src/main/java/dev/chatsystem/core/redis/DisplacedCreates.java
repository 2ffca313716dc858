package dev.chatsystem.core.redis;

import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Displaced;
import dev.chatsystem.core.spi.Idempotency;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.spi.Write;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Repairs what a persist batch found {@link Displaced}: Redis came back with counters behind the store (restored from
 * a snapshot, an AOF synced every second, a failover to a lagging replica) and gave numbers the store holds to new
 * creates. First the counters are raised to the store's highest numbers, so that later creates get new ones; then
 * each displaced message is queued again as a create of the next number, with its body and creation time, so its
 * body is stored, and the stored message's index entry, which the index group replaced with the displaced body, is
 * written again, above the displaced create's version, to which the stored row's version is raised too. Its client
 * was answered with the old number, which names another message: the log says which number the body got instead. A
 * displaced chat cannot be moved (its messages were queued under its number): its counter is raised and it is logged.
 *
 * <p>Each message is queued again with an idempotency record of its stream entry's version, so a batch read again
 * after a failure queues it once, past the stream's bound ({@link RedisWritePath#requeueMessage}).
 */
final class DisplacedCreates {
    /** How long the record that a displaced create was queued again is kept: far longer than any retry. */
    static final Duration REMEMBERED = Duration.ofDays(1);

    private static final Logger LOG = LoggerFactory.getLogger(DisplacedCreates.class);

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final ChatStore store;
    private final RedisWritePath writes;
    private final SearchIndex index;

    /** A chat whose message counter is raised. */
    private record ChatOf(String token, long chatNumber) {}

    DisplacedCreates(UnifiedJedis redis, RedisKeys keys, ChatStore store, RedisWritePath writes, SearchIndex index) {
        this.redis = redis;
        this.keys = keys;
        this.store = store;
        this.writes = writes;
        this.index = index;
    }

    /**
     * Raises every counter concerned past the store's numbers first, each once, so that the API stops giving numbers
     * the store holds; then queues each displaced message again and writes the index entries back.
     */
    void repair(Displaced displaced) {
        Set<String> chatCounters = new LinkedHashSet<>();
        Set<ChatOf> messageCounters = new LinkedHashSet<>();
        for (Write.ChatCreated chat : displaced.chats()) {
            chatCounters.add(chat.token());
            messageCounters.add(new ChatOf(chat.token(), chat.chatNumber()));
        }
        for (Write.MessageCreated message : displaced.messages()) {
            messageCounters.add(new ChatOf(message.token(), message.chatNumber()));
        }
        for (String token : chatCounters) {
            writes.lastChatNumber(token); // seeds a missing counter the usual way before raising it
            raise(token, "c", store.maxChatNumber(token));
        }
        for (ChatOf chat : messageCounters) { // a chat numbered again was given a message counter of 0
            writes.lastMessageNumber(chat.token(), chat.chatNumber());
            raise(chat.token(), "m:" + chat.chatNumber(), store.maxMessageNumber(chat.token(), chat.chatNumber()));
        }
        for (Write.ChatCreated chat : displaced.chats()) {
            LOG.error(
                    "chat {} of application {}… was numbered again after Redis went back behind the store; the stored"
                            + " chat keeps the number and its messages (run chat-cli reseed after restoring Redis)",
                    chat.chatNumber(),
                    prefix(chat.token()));
        }
        List<IndexedMessage> entries = new ArrayList<>();
        for (Write.MessageCreated message : displaced.messages()) {
            long number = requeue(message);
            LOG.error(
                    "message {} of chat {} of application {}… was numbered again after Redis went back behind the"
                            + " store; its body is queued as message {} (run chat-cli reseed after restoring Redis)",
                    message.messageNumber(),
                    message.chatNumber(),
                    prefix(message.token()),
                    number);
            storedEntry(message).ifPresent(entries::add);
        }
        restoreIndexEntries(entries);
    }

    /**
     * The stored message's index entry: the index group took the displaced create as a new body of that message,
     * with a newer version than the stored row's, so the stored body goes back above that version, whichever group
     * runs first. (An edit of the message queued right after the displaced create, in the same millisecond, has the
     * same version: the later of the two indexed wins, until the next edit or a reindex.)
     *
     * <p>The stored row's version is raised to the entry's first, so that store and index agree: a full reindex
     * copies rows with their versions, and one run before the index group's write of the displaced body (a group
     * lagging behind, or an entry of it delivered again) would otherwise leave the stored body at the row's older
     * version, which that write passes. Unlike the index entry, not best effort: a store that fails it fails the
     * batch, which is read again and repaired again (each step is idempotent).
     */
    private Optional<IndexedMessage> storedEntry(Write.MessageCreated displaced) {
        long version = displaced.version() + 1;
        store.raiseMessageVersion(displaced.token(), displaced.chatNumber(), displaced.messageNumber(), version);
        return store.message(displaced.token(), displaced.chatNumber(), displaced.messageNumber())
                .map(stored -> new IndexedMessage(
                        displaced.token(), displaced.chatNumber(), displaced.messageNumber(), stored.body(), version));
    }

    /** Best effort: an index that is down must not hold back persistence, which the batch waits for. */
    private void restoreIndexEntries(List<IndexedMessage> entries) {
        if (entries.isEmpty()) {
            return;
        }
        try {
            index.indexInBackground(entries);
        } catch (RuntimeException e) {
            LOG.error(
                    "the index entries of {} messages numbered again could not be written back: run chat-cli reindex",
                    entries.size(),
                    e);
        }
    }

    private void raise(String token, String field, long storedMaximum) {
        RedisCalls.call(() ->
                Scripts.RAISE.run(redis, List.of(keys.counters(token)), List.of(field, Long.toString(storedMaximum))));
    }

    /** Once per stream entry: a record of its version, so a batch read again queues it once. */
    private long requeue(Write.MessageCreated message) {
        String token = message.token();
        Idempotency once = new Idempotency(
                "displaced:" + token + ":" + message.chatNumber(),
                Long.toString(message.version()),
                "displaced",
                REMEMBERED);
        return writes.requeueMessage(token, message.chatNumber(), message.body(), message.at(), once)
                .number();
    }

    private static String prefix(String token) {
        return token.substring(0, Math.min(6, token.length()));
    }
}
