package dev.chatsystem.core.redis;

import static dev.chatsystem.core.redis.RedisCalls.call;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import redis.clients.jedis.StreamEntryID;

/**
 * Tells whether Redis kept every write of one reseed ({@link CounterRecovery#reseed}) until it raises the marks. Each
 * of its writes also counts itself, in the same script, in a tally of its shard ({@link RedisKeys#reseedTally}), and
 * the script that raises a shard's mark at the end raises it only if the tally is the count of writes made: a flush,
 * a restore or a failover to a lagging replica during the walk loses or lowers the tally with the writes, and the mark
 * left below the store's has the check reseed again. Without it the marks raised at the end would hide that counters
 * raised before the loss are gone. Used by one reseed, on one thread.
 */
final class ReseedTally {
    /** How long a tally outlives a reseed that stopped without raising its marks: far longer than any walk. */
    private static final Duration KEPT = Duration.ofDays(1);

    private final SharedPipeline pipeline;
    private final RedisKeys keys;
    private final String run = UUID.randomUUID().toString();
    private final long[] written;

    ReseedTally(SharedPipeline pipeline, RedisKeys keys) {
        this.pipeline = pipeline;
        this.keys = keys;
        this.written = new long[keys.shards()];
    }

    /**
     * Runs on {@code key} of {@code shard} a script that counts itself in a tally ({@link Scripts#RAISE}, {@link
     * Scripts#RAISE_STREAM_ID}), and counts it here.
     */
    Object run(Script script, int shard, String key, List<String> args) {
        List<String> tallied = new ArrayList<>(args);
        tallied.add(Long.toString(KEPT.toMillis()));
        Object reply = call(() -> pipeline.run(script, List.of(key, keys.reseedTally(shard, run)), tallied));
        written[shard]++;
        return reply;
    }

    /**
     * Raises each shard's mark in Redis to the store's ({@code storeMarks}, absent for none) where the shard's tally
     * shows every write of the reseed; the shards where it does not, whose marks are left as they were.
     */
    List<Integer> raiseMarks(Map<Integer, Long> storeMarks) {
        List<Integer> lost = new ArrayList<>();
        for (int shard = 0; shard < keys.shards(); shard++) {
            StreamEntryID id = StreamEntries.entryId(storeMarks.getOrDefault(shard, 0L));
            int marked = shard;
            Object reply = call(() -> pipeline.run(
                    Scripts.RAISE_MARK,
                    List.of(keys.persisted(marked), keys.reseedTally(marked, run)),
                    List.of(
                            Long.toString(id.getTime()),
                            Long.toString(id.getSequence()),
                            "0",
                            "0",
                            Long.toString(written[marked]))));
            if (Long.valueOf(-1).equals(reply)) {
                lost.add(shard);
            }
        }
        return lost;
    }
}
