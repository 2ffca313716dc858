package dev.chatsystem.core.redis;

import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Whether Redis may drop keys at {@code maxmemory}. The counters and the idempotency records live only in Redis: an
 * evicted counter is seeded again from the store, and may give numbers a worker is still committing; an evicted record
 * lets a retry create again. Only {@code noeviction} (which refuses writes instead, answered with 503) keeps them.
 */
final class EvictionPolicy {
    private static final String SAFE = "noeviction";

    private EvictionPolicy() {}

    /** What is wrong with the server's policy; empty when it is safe, or cannot be read (CONFIG disabled). */
    static Optional<String> risk(UnifiedJedis redis) {
        Map<String, String> config;
        try {
            config = redis.configGet("maxmemory-policy");
        } catch (JedisDataException e) { // CONFIG renamed or refused, as managed services do: cannot tell
            return Optional.empty();
        }
        String policy = config.get("maxmemory-policy");
        if (policy == null || policy.equals(SAFE)) {
            return Optional.empty();
        }
        return Optional.of("maxmemory-policy is " + policy + ": at maxmemory Redis may evict counters (numbers given"
                + " twice) or idempotency keys (retries created again); set it to " + SAFE);
    }
}
