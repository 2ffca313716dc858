package dev.chatsystem.core.redis;

import dev.chatsystem.core.BackendStatus;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The queue's health: down while Redis is unreachable, the shard count disagrees ({@link ShardAgreement}) or Redis is
 * behind the store ({@link LostWritesCheck}); up with a warning while its eviction policy may drop keys ({@link
 * EvictionPolicy}).
 */
final class QueueHealth {
    static final String NAME = "queue";
    static final String KIND = "redis";

    private QueueHealth() {}

    static BackendStatus of(UnifiedJedis redis, ShardAgreement agreement, LostWritesCheck lostWrites) {
        try {
            redis.ping();
            String disagreement = agreement.disagreement();
            if (disagreement != null) {
                return BackendStatus.down(NAME, KIND, disagreement);
            }
            String behind = lostWrites.behind();
            if (behind != null) {
                return BackendStatus.down(NAME, KIND, behind);
            }
            return EvictionPolicy.risk(redis)
                    .map(risk -> BackendStatus.warning(NAME, KIND, risk))
                    .orElseGet(() -> BackendStatus.up(NAME, KIND));
        } catch (JedisException e) {
            return BackendStatus.down(NAME, KIND, "Redis unreachable: " + e.getMessage());
        }
    }
}
