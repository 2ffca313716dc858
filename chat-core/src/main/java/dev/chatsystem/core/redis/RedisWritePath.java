package dev.chatsystem.core.redis;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.NotFoundException;
import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.QueueMemory;
import dev.chatsystem.core.spi.Accepted;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Edited;
import dev.chatsystem.core.spi.Idempotency;
import dev.chatsystem.core.spi.Numbering;
import dev.chatsystem.core.spi.QueueMark;
import dev.chatsystem.core.spi.WritePath;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Numbering and the write queue in one atomic script per create: the number and the queued write can never diverge.
 * A create never touches the store; only a missing counter (a new application, or Redis data lost) reads the store's
 * maximum once to seed it, and a counter that refuses a number reads it to see whether Redis lost that number's create
 * unnoticed (the store holds it: the counter is raised to the store's maximum and the script run again).
 */
final class RedisWritePath implements WritePath, Numbering {
    private static final Logger LOG = LoggerFactory.getLogger(RedisWritePath.class);

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final ChatStore store;
    private final long maxStreamLength;
    private final StreamMemoryBudget memory;
    private final ShardAgreement agreement;
    private final LostWritesCheck lostWrites;
    private final PendingReads pendingReads;
    private final SharedPipeline pipeline;
    private final CounterRecovery recovery;

    RedisWritePath(
            UnifiedJedis redis,
            SharedPipeline pipeline,
            RedisKeys keys,
            ChatStore store,
            long maxStreamLength,
            StreamMemoryBudget memory,
            ShardAgreement agreement,
            LostWritesCheck lostWrites) {
        this.redis = redis;
        this.pipeline = pipeline;
        this.keys = keys;
        this.store = store;
        this.maxStreamLength = maxStreamLength;
        this.memory = memory;
        this.agreement = agreement;
        this.lostWrites = lostWrites;
        this.pendingReads = new PendingReads(pipeline, keys, store);
        this.recovery = new CounterRecovery(pipeline, keys, store, CatchUpMarker.inRedis(redis, keys));
    }

    @Override
    public Accepted createChat(String token, Instant at, Optional<Idempotency> idempotency) {
        List<String> scriptKeys = createKeys(token, idempotency);
        List<String> args = List.of(
                token,
                RedisCalls.micros(at),
                streamBound(token),
                ScriptReplies.fingerprint(idempotency),
                ScriptReplies.ttlSeconds(idempotency));
        Object reply = run(Scripts.CREATE_CHAT, scriptKeys, args);
        if (ScriptReplies.isSeedRequest(reply)) {
            if (lastChatNumber(token) < 0) {
                throw new NotFoundException("no application with this token");
            }
            reply = run(Scripts.CREATE_CHAT, scriptKeys, args);
        }
        return ScriptReplies.accepted(reply, at, 0);
    }

    @Override
    public Accepted createMessage(
            String token, long chatNumber, String body, Instant at, Optional<Idempotency> idempotency) {
        return createMessage(token, chatNumber, body, at, idempotency, streamBound(token));
    }

    /**
     * Queues a message acknowledged before again, under a new number ({@link DisplacedCreates}): past the stream's
     * bound, since the batch that found it cannot be acknowledged before and a full stream would wait for itself. Not
     * while the shard count disagrees (the batch is read again), but while Redis is behind: the counters concerned
     * were raised past the store's numbers just before.
     */
    Accepted requeueMessage(String token, long chatNumber, String body, Instant at, Idempotency once) {
        agreement.requireAgreement(); // with another shard count the counters are other keys: numbers given again
        return createMessage(token, chatNumber, body, at, Optional.of(once), Long.toString(Long.MAX_VALUE));
    }

    private Accepted createMessage(
            String token, long chatNumber, String body, Instant at, Optional<Idempotency> idempotency, String bound) {
        List<String> scriptKeys = createKeys(token, idempotency);
        List<String> args = List.of(
                token,
                Long.toString(chatNumber),
                body,
                RedisCalls.micros(at),
                bound,
                ScriptReplies.fingerprint(idempotency),
                ScriptReplies.ttlSeconds(idempotency));
        Object reply = run(Scripts.CREATE_MESSAGE, scriptKeys, args);
        if (ScriptReplies.isRefusal(reply, "NOCHAT") && recovery.raiseChatsToStore(token, chatNumber)) {
            reply = run(Scripts.CREATE_MESSAGE, scriptKeys, args); // Redis lost the chat's create unnoticed
        }
        if (ScriptReplies.isSeedRequest(reply)) {
            if (!hasChat(token, chatNumber)) { // seeds the chat counter when the application exists
                throw new NotFoundException("no chat " + chatNumber + " in this application");
            }
            lastMessageNumber(token, chatNumber);
            reply = run(Scripts.CREATE_MESSAGE, scriptKeys, args);
        }
        return ScriptReplies.accepted(reply, at, chatNumber);
    }

    /** The create script compares the chat number with the chat counter, in the same atomic step as numbering. */
    @Override
    public boolean refusesUnknownParents() {
        return true;
    }

    /**
     * Dated by the script, where the edit is put in order: after the message's creation and last update as read here
     * and as its pending value holds them when the script runs. The store keeps the later time in the one case the
     * script cannot see: an edit ordered between this read and the script, and persisted and forgotten in that window
     * too, dated later than this one (BatchWriter). The answer comes from what the edit itself knew: a read less.
     */
    @Override
    public Edited editMessage(String token, long chatNumber, long messageNumber, String body, Instant at) {
        Optional<Message> known = known(token, chatNumber, messageNumber);
        List<String> scriptKeys = shardKeys(token);
        List<String> args = List.of(
                token,
                Long.toString(chatNumber),
                Long.toString(messageNumber),
                body,
                RedisCalls.micros(at),
                streamBound(token),
                known.map(message -> RedisCalls.micros(message.createdAt())).orElse(""),
                known.map(message -> RedisCalls.micros(message.updatedAt())).orElse(""));
        Object reply = run(Scripts.EDIT_MESSAGE, scriptKeys, args);
        if (ScriptReplies.isSeedRequest(reply)) {
            lastMessageNumber(token, chatNumber);
            reply = run(Scripts.EDIT_MESSAGE, scriptKeys, args);
        }
        if (known.isPresent()
                && ScriptReplies.isRefusal(reply, "NOMSG")
                && recovery.raiseMessagesToStore(token, chatNumber, messageNumber)) {
            reply = run(Scripts.EDIT_MESSAGE, scriptKeys, args); // Redis lost the message's create unnoticed
        }
        return new Edited(ScriptReplies.editedAt(reply, chatNumber), known.map(Message::createdAt));
    }

    /**
     * The message as pending or stored, for the edit's pending value to hold its creation time, so that reading the
     * edit never needs the store: a {@code GET} of it (and the edit's own answer) failed during a MySQL outage though
     * the edit was queued, and a page of edited messages cost a store query each. Its update time dates the edit
     * after an edit already stored, whose pending value is gone. Looked up before queuing, so a store that cannot
     * answer fails the edit before it is accepted. Empty when neither knows the message (the script then refuses a
     * number it has not given).
     */
    private Optional<Message> known(String token, long chatNumber, long messageNumber) {
        return pendingReads
                .message(token, chatNumber, messageNumber)
                .or(() -> store.message(token, chatNumber, messageNumber));
    }

    @Override
    public long lastChatNumber(String token) {
        String last = RedisCalls.call(() -> pipeline.hget(keys.counters(token), "c"));
        if (last != null) {
            return Long.parseLong(last);
        }
        // Unknown here: an application from before Redis lost its data, or no application at all.
        if (store.application(token).isEmpty()) {
            return -1;
        }
        return recovery.seedChats(token);
    }

    /**
     * A chat beyond the counter is looked for in the store: Redis may have lost its create unnoticed (a loss too small
     * for {@link LostWritesCheck}), and a stored chat is then raised to rather than refused ({@link
     * CounterRecovery#raiseChatsToStore}). Only chats the counter refuses cost a store read.
     */
    @Override
    public boolean hasChat(String token, long chatNumber) {
        long last = lastChatNumber(token);
        return chatNumber >= 1 && (chatNumber <= last || (last >= 0 && recovery.raiseChatsToStore(token, chatNumber)));
    }

    /** As {@link #hasChat}, for a message beyond the chat's counter. */
    @Override
    public boolean hasMessage(String token, long chatNumber, long messageNumber) {
        return messageNumber >= 1
                && (messageNumber <= lastMessageNumber(token, chatNumber)
                        || recovery.raiseMessagesToStore(token, chatNumber, messageNumber));
    }

    /**
     * The counters alone, pipelined (one wait, however many applications and however slow Redis): a listing never
     * seeds one (a second's wait each) and shows the stored count without it.
     */
    @Override
    public Map<String, Long> knownLastChatNumbers(Collection<String> tokens) {
        List<String> asked = List.copyOf(tokens);
        if (asked.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> known = new HashMap<>();
        try (AbstractPipeline batch = redis.pipelined()) {
            List<Response<String>> replies = asked.stream()
                    .map(token -> batch.hget(keys.counters(token), "c"))
                    .toList();
            batch.sync();
            for (int i = 0; i < asked.size(); i++) {
                String last = replies.get(i).get();
                if (last != null) {
                    known.put(asked.get(i), Long.parseLong(last));
                }
            }
        } catch (JedisException e) {
            return Map.of();
        }
        return known;
    }

    /**
     * Starts the chat counter at 0, so the application's creates never need the store. Best effort: the application is
     * stored by now, and the first chat create seeds a missing counter from the store; failing here would have the
     * client told 503, and create the application again.
     */
    @Override
    public void applicationCreated(String token) {
        try {
            redis.hsetnx(keys.counters(token), "c", "0");
        } catch (JedisException e) {
            LOG.warn(
                    "a new application's chat counter was not started ({}); its first chat create seeds it",
                    e.toString());
        }
    }

    @Override
    public long lastMessageNumber(String token, long chatNumber) {
        String field = "m:" + chatNumber;
        String last = RedisCalls.call(() -> pipeline.hget(keys.counters(token), field));
        if (last != null) {
            return Long.parseLong(last);
        }
        if (!hasChat(token, chatNumber)) {
            return 0; // no such chat (or application), in Redis or in the store
        }
        return recovery.seedMessages(token, chatNumber);
    }

    /** Raises every counter below the store's maximum (see {@link CounterRecovery#reseed}). */
    @Override
    public long reseed(ChatStore source) {
        return recovery.reseed(source, () -> false); // an admin's reseed, under no lock
    }

    @Override
    public Map<Long, Long> lastMessageNumbers(String token, Collection<Long> chatNumbers) {
        if (chatNumbers.isEmpty()) {
            return Map.of();
        }
        List<Long> chats = List.copyOf(chatNumbers);
        String[] fields = chats.stream().map(n -> "m:" + n).toArray(String[]::new);
        List<String> values = RedisCalls.call(() -> pipeline.hmget(keys.counters(token), fields));
        Map<Long, Long> last = new HashMap<>();
        for (int i = 0; i < chats.size(); i++) {
            if (values.get(i) != null) {
                last.put(chats.get(i), Long.parseLong(values.get(i)));
            }
        }
        return last;
    }

    @Override
    public List<Chat> pendingChats(String token, long after, int limit) {
        return pendingReads.chats(token, after, limit);
    }

    @Override
    public List<Message> pendingMessages(String token, long chatNumber, long after, int limit) {
        return pendingReads.messages(token, chatNumber, after, limit);
    }

    @Override
    public Map<Long, Message> pendingMessages(String token, long chatNumber, List<Long> numbers) {
        return pendingReads.messages(token, chatNumber, numbers);
    }

    @Override
    public Optional<Chat> pendingChat(String token, long chatNumber) {
        return pendingReads.chat(token, chatNumber);
    }

    @Override
    public Optional<Message> pendingMessage(String token, long chatNumber, long messageNumber) {
        return pendingReads.message(token, chatNumber, messageNumber);
    }

    @Override
    public long pending() {
        return RedisCalls.call(() -> QueueDepth.unpersisted(redis, keys));
    }

    @Override
    public QueueMark mark() {
        return new QueueMark(RedisCalls.call(() -> QueueDepth.lastIds(redis, keys)));
    }

    @Override
    public boolean storedUpTo(QueueMark mark) {
        return RedisCalls.call(() -> QueueDepth.storedUpTo(redis, keys, mark.lastIds()));
    }

    @Override
    public List<QueueBacklog> backlog() {
        return RedisCalls.call(() -> QueueDepth.backlog(redis, keys, System.currentTimeMillis()));
    }

    @Override
    public List<QueueMemory> queueMemory() {
        return memory.all();
    }

    @Override
    public BackendStatus health() {
        return QueueHealth.of(redis, agreement, lostWrites);
    }

    /** The Redis client and the pipeline belong to {@link RedisBackend}, which closes them. */
    @Override
    public void close() {}

    /**
     * The entries the script lets the shard's stream hold: none while its memory is at the budget, so the script
     * refuses every new write there but still answers the retry of an acknowledged create from its idempotency record.
     * Throws while the shard count disagrees ({@link ShardAgreement}) and while Redis is behind the store ({@link
     * LostWritesCheck}).
     */
    private String streamBound(String token) {
        agreement.requireAgreement();
        lostWrites.requireCaughtUp();
        return memory.full(token) ? "0" : Long.toString(maxStreamLength);
    }

    private List<String> createKeys(String token, Optional<Idempotency> idempotency) {
        String record = idempotency
                .map(key -> keys.idempotency(token, key.scope(), key.key()))
                .orElse(keys.idempotency(token, "-", "-")); // declared but never touched without a key
        return List.of(keys.counters(token), keys.pending(token), keys.stream(token), record);
    }

    private List<String> shardKeys(String token) {
        return List.of(keys.counters(token), keys.pending(token), keys.stream(token));
    }

    /** Through the shared pipeline: creates from many requests share round trips (see {@link SharedPipeline}). */
    private Object run(Script script, List<String> scriptKeys, List<String> args) {
        return RedisCalls.call(() -> pipeline.run(script, scriptKeys, args));
    }
}
