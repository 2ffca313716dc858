package dev.chatsystem.core.redis;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.StreamGroupInfo;

/** How far the store is behind one shard stream. */
final class QueueDepth {
    private QueueDepth() {}

    /**
     * Entries not yet acknowledged by the persisting group: pending plus lag (Redis 7 reports the lag per group).
     * Falls back to the stream length when the group does not exist yet or its lag is unknown.
     */
    static long unpersisted(UnifiedJedis redis, String stream) {
        if (!redis.exists(stream)) {
            return 0;
        }
        try {
            for (StreamGroupInfo group : redis.xinfoGroups(stream)) {
                if (StreamWorkers.PERSIST.equals(group.getName())) {
                    Object lag = group.getGroupInfo().get("lag");
                    if (lag instanceof Long known) {
                        return group.getPending() + known;
                    }
                }
            }
        } catch (JedisDataException e) {
            // not a stream or no groups: fall through to the length
        }
        return redis.xlen(stream);
    }
}
