package dev.chatsystem.core.redis;

import static dev.chatsystem.core.redis.RedisCalls.call;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.spi.ChatStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import redis.clients.jedis.StreamEntryID;

/**
 * Restores the numbering after Redis lost its data: counters seeded from the store's maxima (one at a time when a
 * request finds one missing, or all at once by {@link #reseed}), and shard streams raised past the store's highest
 * message version so that no later write gets a lower version than one already stored. Normal operation never comes
 * here: counters start at 0 when an application or chat is created.
 */
final class CounterRecovery {
    /**
     * How long a missing counter ({@link #seed}) or a {@link #reseed} waits before it reads the store's maxima: a
     * persist batch a worker read before Redis lost its data may still be committing numbers the store does not show
     * yet.
     */
    static final Duration SEED_SETTLE = Duration.ofSeconds(1);

    private final SharedPipeline pipeline;
    private final RedisKeys keys;
    private final ChatStore store;
    private final CatchUpMarker catchUp;

    /** {@code catchUp} records the index catch-up pass a {@link #reseed} owes (see there). */
    CounterRecovery(SharedPipeline pipeline, RedisKeys keys, ChatStore store, CatchUpMarker catchUp) {
        this.pipeline = pipeline;
        this.keys = keys;
        this.store = store;
        this.catchUp = catchUp;
    }

    /** Seeds the application's missing chat counter; the new value, or a higher one another request set. */
    long seedChats(String token) {
        return seed(token, "c", "c:", () -> store.maxChatNumber(token));
    }

    /** Seeds the chat's missing message counter; the new value, or a higher one another request set. */
    long seedMessages(String token, long chatNumber) {
        String field = "m:" + chatNumber;
        return seed(token, field, field + ":", () -> {
            // Before the counter exists, so that no edit of the chat's stored messages is queued below their versions.
            // The store's highest version rather than the chat's (a read of every row of the chat, seconds for a chat
            // of millions): stream ids are the clock's, so raising past a version of another chat only orders later
            // entries after it, as a reseed does for every shard.
            raiseStreamId(keys.stream(token), store.maxMessageVersion());
            return store.maxMessageNumber(token, chatNumber);
        });
    }

    /**
     * Raises the application's chat counter to the store's highest chat number if the store holds {@code chatNumber}
     * (true then): Redis lost its last writes unnoticed (a loss too small for {@link LostWritesCheck}), and a chat the
     * store holds must not answer 404 until a create reuses its number or a reseed runs. Only after the counter refused
     * the chat, so the success path never reads the store. {@link Scripts#RAISE} never lowers the counter, so a create
     * or a reseed raising it meanwhile is kept.
     */
    boolean raiseChatsToStore(String token, long chatNumber) {
        long stored = storeMaximum(() -> store.maxChatNumber(token));
        if (chatNumber < 1 || chatNumber > stored) {
            return false;
        }
        run(Scripts.RAISE, List.of(keys.counters(token)), List.of("c", Long.toString(stored)));
        return true;
    }

    /**
     * As {@link #raiseChatsToStore}, for the chat's message counter and a message the store holds; the stream is raised
     * first, as for a seed, so that an edit of the stored message is not queued below its version.
     */
    boolean raiseMessagesToStore(String token, long chatNumber, long messageNumber) {
        long stored = storeMaximum(() -> store.maxMessageNumber(token, chatNumber));
        if (messageNumber < 1 || messageNumber > stored) {
            return false;
        }
        raiseStreamId(keys.stream(token), store.maxMessageVersion());
        run(Scripts.RAISE, List.of(keys.counters(token)), List.of("m:" + chatNumber, Long.toString(stored)));
        return true;
    }

    /**
     * The store's maximum, or 0 while the store is down: the counter's refusal then stands, so that a create into a
     * chat that does not exist is a 404 whether MySQL is up or not, as before this look (README, "MySQL down").
     */
    private static long storeMaximum(LongSupplier maximum) {
        try {
            return maximum.getAsLong();
        } catch (BackendUnavailableException storeDown) {
            return 0;
        }
    }

    /**
     * Walks every application and chat of {@code source} and raises any counter below the stored maximum, after
     * raising every shard stream's last id to the store's highest message version (see {@link #raiseStreamId}): a
     * counter this creates is never seeded again, so no seed would raise the stream later. Then raises Redis' copies
     * of the persisted marks to the store's, read after the counters (none grew past Redis' copy meanwhile: while
     * below, it refuses to rise, see {@link PersistedMark}), so that {@link LostWritesCheck} finds Redis caught up.
     * Returns the counters raised.
     *
     * <p>Raises no shard's mark if Redis lost any of the reseed's writes on that shard meanwhile ({@link ReseedTally}),
     * and then throws: those marks stay below the store's, so the check finds Redis behind and reseeds again.
     *
     * <p>Stops, throwing before it raises any mark, once {@code lockLost} (the job lock of a reseed run by {@link
     * LostWritesCheck}): another process may reseed meanwhile, and Redis probably lost the lock with its data again.
     *
     * <p>First records that an index catch-up pass is owed ({@link IndexCatchUp}, run by a worker): a Redis back behind
     * the store lost the index entries of every message persisted and not yet indexed before the loss, and its index
     * group, restored with it, is at a position before them, so no drainer finds the group missing and asks for the
     * pass. Recorded before the walk, so that a reseed that stops part way still leaves it owed.
     *
     * <p>Then waits {@link #SEED_SETTLE} before it reads the store, as {@link #seed} does: a reseed follows a loss of
     * Redis data, and a walk that read a chat's maximum below a batch still committing would hand its numbers out again.
     * Creates are refused meanwhile (Redis is found behind), so the wait only lengthens the refusal.
     */
    long reseed(ChatStore source, BooleanSupplier lockLost) {
        catchUp.set();
        settle("reseeding the counters");
        ReseedTally tally = new ReseedTally(pipeline, keys);
        long highestVersion = source.maxMessageVersion();
        if (highestVersion > 0) {
            StreamEntryID id = StreamEntries.entryId(highestVersion);
            List<String> args = List.of(Long.toString(id.getTime()), Long.toString(id.getSequence()));
            for (int shard = 0; shard < keys.shards(); shard++) {
                tally.run(Scripts.RAISE_STREAM_ID, shard, keys.stream(shard), args);
            }
        }
        long raised = 0;
        Optional<String> after = Optional.empty();
        List<Application> page;
        do {
            requireHeld(lockLost);
            page = source.applications(after, 500);
            for (Application app : page) {
                raised += raise(tally, app.token(), "c", source.maxChatNumber(app.token()));
                long chatsAfter = 0;
                List<Chat> chats;
                do {
                    requireHeld(lockLost);
                    chats = source.chats(app.token(), chatsAfter, 1000);
                    for (Chat chat : chats) {
                        long max = source.maxMessageNumber(app.token(), chat.chatNumber());
                        raised += raise(tally, app.token(), "m:" + chat.chatNumber(), max);
                        chatsAfter = chat.chatNumber();
                    }
                } while (chats.size() == 1000);
                after = Optional.of(app.token());
            }
        } while (page.size() == 500);
        requireHeld(lockLost);
        List<Integer> lost = tally.raiseMarks(source.persistedMarks());
        if (!lost.isEmpty()) {
            throw new BackendUnavailableException("Redis lost writes of the reseed while it ran (shards " + lost
                    + "); their marks are left below the store's, so Redis is found behind and reseeded again");
        }
        return raised;
    }

    private static void requireHeld(BooleanSupplier lockLost) {
        if (lockLost.getAsBoolean()) {
            throw new BackendUnavailableException("the reseed lost its job lock and stopped before raising the marks");
        }
    }

    /**
     * Seeds a missing counter from the store's maximum after {@link #SEED_SETTLE}: a counter goes missing when Redis
     * lost its data, and a persist batch a worker read before the loss may still be committing numbers the store does
     * not show yet; seeding below them would hand those numbers out again and the new writes would be dropped as
     * duplicates.
     */
    private long seed(String token, String field, String pendingPrefix, LongSupplier storeMaximum) {
        settle("seeding a counter");
        return (Long) run(
                Scripts.SEED,
                List.of(keys.counters(token), keys.pending(token)),
                List.of(field, pendingPrefix, Long.toString(storeMaximum.getAsLong())));
    }

    /** Waits {@link #SEED_SETTLE}, so that a persist batch committing at the loss lands before the store is read. */
    private static void settle(String doing) {
        try {
            Thread.sleep(SEED_SETTLE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted while " + doing, e);
        }
    }

    /**
     * Raises {@code stream}'s last id to at least the entry id {@code version} was derived from, so that no write queued
     * after it gets a lower version (after a loss of Redis data the stream starts again from this server's clock).
     */
    private void raiseStreamId(String stream, long version) {
        if (version <= 0) {
            return;
        }
        StreamEntryID id = StreamEntries.entryId(version);
        run(
                Scripts.RAISE_STREAM_ID,
                List.of(stream),
                List.of(Long.toString(id.getTime()), Long.toString(id.getSequence())));
    }

    private long raise(ReseedTally tally, String token, String field, long value) {
        return (Long) tally.run(
                Scripts.RAISE, keys.shardOf(token), keys.counters(token), List.of(field, Long.toString(value)));
    }

    private Object run(Script script, List<String> scriptKeys, List<String> args) {
        return call(() -> pipeline.run(script, scriptKeys, args));
    }
}
