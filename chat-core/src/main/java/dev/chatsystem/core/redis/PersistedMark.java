package dev.chatsystem.core.redis;

import dev.chatsystem.core.spi.ChatStore;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * How far the persist drainer of one shard got: the highest stream entry id of the batches it stored, recorded at
 * most every {@link #RECORD_EVERY} in Redis first ({@link RedisKeys#persisted}) and then in the store. Redis' copy is
 * thus never below the store's while Redis keeps its data; {@link LostWritesCheck} takes one below as Redis having
 * lost writes. While batches flow, the store's copy is raised in a batch's own transaction ({@link ChatStore#apply(List,
 * int, long)}): a statement of its own would add a commit, and its log flush, every second on every shard. A drainer
 * that has had no batch for {@link #RECORD_EVERY} records what no batch carried with statements of their own.
 *
 * <p>Redis' copy is raised only if it is not below the store's mark: after Redis came back behind, new writes would
 * otherwise raise it past the store's again and hide the loss before a check saw it. A mark lags what is stored by up
 * to about a second: a Redis that lost only writes stored within that last second is not told apart, and its numbers
 * given again are repaired one by one ({@link DisplacedCreates}).
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
    private long batchAt;

    PersistedMark(UnifiedJedis redis, RedisKeys keys, ChatStore store, int shard, LongSupplier nanoTime) {
        this.redis = redis;
        this.store = store;
        this.shard = shard;
        this.key = keys.persisted(shard);
        this.nanoTime = nanoTime;
        this.recordedAt = nanoTime.getAsLong() - RECORD_EVERY.toNanos();
        this.batchAt = recordedAt;
    }

    int shard() {
        return shard;
    }

    /**
     * The version a batch about to be applied should raise the store's mark to in its transaction (its last entry's),
     * once every {@link #RECORD_EVERY}, Redis' copy raised already; empty when not due, or when Redis' copy is below the
     * store's (left for the check).
     */
    OptionalLong beforeBatch(List<StreamEntry> entries) {
        long now = nanoTime.getAsLong();
        if (entries.isEmpty() || now - recordedAt < RECORD_EVERY.toNanos()) {
            return OptionalLong.empty();
        }
        recordedAt = now;
        long version = StreamEntries.version(entries.getLast().getID());
        return raiseInRedis(version) ? OptionalLong.of(version) : OptionalLong.empty();
    }

    /** Notes a batch the store has applied, and the mark it carried if any; its last entry is its highest. */
    void stored(List<StreamEntry> entries, OptionalLong marked) {
        if (!entries.isEmpty()) {
            highest = Math.max(highest, StreamEntries.version(entries.getLast().getID()));
            batchAt = nanoTime.getAsLong();
        }
        marked.ifPresent(version -> recorded = Math.max(recorded, version));
    }

    /**
     * Between reads: records the highest version stored that no batch carried, once the drainer has had no batch for
     * {@link #RECORD_EVERY}, so that the last batch before a pause is recorded too.
     */
    void recordIfIdle() {
        long now = nanoTime.getAsLong();
        if (highest <= recorded
                || now - batchAt < RECORD_EVERY.toNanos()
                || now - recordedAt < RECORD_EVERY.toNanos()) {
            return;
        }
        recordedAt = now;
        long version = highest;
        if (!raiseInRedis(version)) {
            return;
        }
        try {
            store.markPersisted(shard, version);
            recorded = version;
        } catch (RuntimeException e) {
            LOG.debug("shard {}: could not record the persisted mark now", shard, e);
        }
    }

    /** Raises Redis' copy to {@code version} unless it is below the store's; false then, or when that failed. */
    private boolean raiseInRedis(long version) {
        try {
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
                return false;
            }
            return true;
        } catch (RuntimeException e) {
            LOG.debug("shard {}: could not record the persisted mark now", shard, e);
            return false;
        }
    }
}
