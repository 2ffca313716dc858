package dev.chatsystem.core.redis;

import java.util.List;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XTrimParams;
import redis.clients.jedis.resps.StreamGroupInfo;

/**
 * Trims a shard stream up to the oldest entry some consumer group still needs, so the stream holds the backlog and
 * nothing more. Entries are never trimmed before every group (store and index) has acknowledged them.
 */
final class StreamTrimmer {
    private final UnifiedJedis redis;
    private final String stream;
    private final int expectedGroups;

    StreamTrimmer(UnifiedJedis redis, String stream, int expectedGroups) {
        this.redis = redis;
        this.stream = stream;
        this.expectedGroups = expectedGroups;
    }

    void trim() {
        List<StreamGroupInfo> groups = redis.xinfoGroups(stream);
        if (groups.size() < expectedGroups) {
            return; // a group that does not exist yet will want everything from 0
        }
        StreamEntryID keepFrom = null;
        for (StreamGroupInfo group : groups) {
            StreamEntryID delivered = group.getLastDeliveredId();
            StreamEntryID needed = new StreamEntryID(delivered.getTime(), delivered.getSequence() + 1);
            if (group.getPending() > 0) {
                // Read after the group info: if the group acknowledged everything meanwhile, nothing is pending (no
                // min id) and it has read up to its last delivered entry at least, so that bound holds.
                StreamEntryID oldestPending =
                        redis.xpending(stream, group.getName()).getMinId();
                if (oldestPending != null) {
                    needed = oldestPending;
                }
            }
            if (keepFrom == null || needed.compareTo(keepFrom) < 0) {
                keepFrom = needed;
            }
        }
        if (keepFrom != null) {
            redis.xtrim(stream, XTrimParams.xTrimParams().minId(keepFrom.toString()));
        }
    }
}
