package dev.chatsystem.core.redis;

import java.util.List;
import java.util.function.Consumer;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Acknowledges the batches a {@link ShardDrainer} handled, and keeps one whose acknowledgement found fewer of its
 * entries pending than it holds (its queue is gone, or a successor took the lease and handled it too), or whose
 * acknowledgement failed: only that reply tells, as the drainer may never read the shard again to find the queue
 * missing. The drainer {@linkplain #handOver hands it over} to {@code unacknowledged} once it has given its permit
 * back. Used by the drainer's thread alone.
 */
final class Acknowledgements {
    private final UnifiedJedis redis;
    private final String stream;
    private final String group;
    private final Consumer<List<StreamEntry>> unacknowledged;
    private List<StreamEntry> kept;

    Acknowledgements(UnifiedJedis redis, String stream, String group, Consumer<List<StreamEntry>> unacknowledged) {
        this.redis = redis;
        this.stream = stream;
        this.group = group;
        this.unacknowledged = unacknowledged;
    }

    /** Acknowledges a handled batch, keeping it when the reply shows it no longer (all) pending or the call fails. */
    void acknowledge(List<StreamEntry> entries) {
        long acknowledged;
        try {
            acknowledged = redis.xack(
                    stream, group, entries.stream().map(StreamEntry::getID).toArray(StreamEntryID[]::new));
        } catch (RuntimeException e) {
            kept = entries;
            throw e;
        }
        if (acknowledged < entries.size()) {
            kept = entries;
        }
    }

    /**
     * Hands the batch kept, if any, to {@code unacknowledged}: after the drainer gave its permit back, since indexing
     * it waits for Elasticsearch (30 s when it hangs), which must not hold one of the few persist permits every shard
     * of the process shares.
     */
    void handOver() {
        List<StreamEntry> entries = kept;
        kept = null;
        if (entries != null) {
            unacknowledged.accept(entries);
        }
    }
}
