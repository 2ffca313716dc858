package dev.chatsystem.core.redis;

import dev.chatsystem.core.spi.ChatStore;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * How far the persist drainer of one shard got: the highest stream entry id of the batches it stored, recorded at
 * most every {@link #RECORD_EVERY} in Redis first ({@link RedisKeys#persisted}) and then in the store ({@link
 * ChatStore#markPersisted}), each a statement of its own, so a batch costs no extra commit. Redis' copy is thus never
 * below the store's while Redis keeps its data; {@link LostWritesCheck} takes one below as Redis having lost writes.
 *
 * <p>Redis' copy is raised only if it is not below the store's mark: after Redis came back behind, new writes would
 * otherwise raise it past the store's again and hide the loss before a check saw it. A mark lags what is stored by up
 * to about a second (and while a drainer waits for new entries, half a second more): a Redis that lost only writes
 * stored within that last second is not told apart, and its numbers given again are repaired one by one ({@link
 * DisplacedCreates}).
 *
 * <p>Used by one drainer thread only. A failure is logged at debug and the mark is recorded at the next chance.
 */
final class PersistedMark {
    static final Duration RECORD_EVERY = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(PersistedMark.class);

    private final UnifiedJedis redis;
    private final ChatStore store;
    private final int shard;
    private final String key;
    private final LongSupplier nanoTime;
    private long highest; // a version, 0 before the first batch
    private long recorded;
    private long recordedAt;

    PersistedMark(UnifiedJedis redis, RedisKeys keys, ChatStore store, int shard, LongSupplier nanoTime) {
        this.redis = redis;
        this.store = store;
        this.shard = shard;
        this.key = keys.persisted(shard);
        this.nanoTime = nanoTime;
        this.recordedAt = nanoTime.getAsLong() - RECORD_EVERY.toNanos();
    }

    /** Notes a batch the store has applied; its entries are in stream order, the last one the highest. */
    void stored(List<StreamEntry> entries) {
        if (!entries.isEmpty()) {
            highest = Math.max(highest, StreamEntries.version(entries.getLast().getID()));
        }
    }

    /** Records the highest version stored unless it is or was recorded within {@link #RECORD_EVERY}. */
    void recordIfDue() {
        long now = nanoTime.getAsLong();
        if (highest <= recorded || now - recordedAt < RECORD_EVERY.toNanos()) {
            return;
        }
        recordedAt = now;
        try {
            long version = highest;
            long inStore = store.persistedMark(shard);
            StreamEntryID mark = StreamEntries.entryId(version);
            StreamEntryID expected = StreamEntries.entryId(inStore);
            Object raised = Scripts.RAISE_MARK.run(
                    redis,
                    List.of(key),
                    List.of(
                            Long.toString(mark.getTime()),
                            Long.toString(mark.getSequence()),
                            Long.toString(expected.getTime()),
                            Long.toString(expected.getSequence())));
            if (!Long.valueOf(1).equals(raised)) {
                LOG.debug(
                        "shard {}: Redis' persisted mark is below the store's {}; left for the check", shard, inStore);
                return;
            }
            store.markPersisted(shard, version);
            recorded = version;
        } catch (RuntimeException e) {
            LOG.debug("shard {}: could not record the persisted mark now", shard, e);
        }
    }
}
