package dev.chatsystem.core.testing;

import java.net.URI;
import redis.clients.jedis.RedisClient;

/**
 * Redis at {@code maxmemory} for a test: {@code maxmemory} set to 1 byte under the {@code noeviction} policy, so every
 * command that may grow memory is refused (under an evicting policy Redis would drop keys of every database instead). It is a server-wide setting, so a JVM killed inside such a test leaves the Redis refusing writes for every
 * later test and run: classes that use it call {@link #undoLeftover} first.
 */
public final class RedisMaxmemory implements AutoCloseable {
    private static final String FULL = "1";

    private final RedisClient redis;
    private final String before;
    private final String policyBefore;

    private RedisMaxmemory(RedisClient redis) {
        this.redis = redis;
        this.before = redis.configGet("maxmemory").get("maxmemory");
        this.policyBefore = redis.configGet("maxmemory-policy").get("maxmemory-policy");
        redis.configSet("maxmemory-policy", "noeviction");
        redis.configSet("maxmemory", FULL);
    }

    /** Sets {@code maxmemory} to 1 byte (and the policy to noeviction) until closed, which puts back both. */
    public static RedisMaxmemory full(RedisClient redis) {
        return new RedisMaxmemory(redis);
    }

    /** Lifts the 1-byte {@code maxmemory} a killed run may have left (no real deployment sets it); else does nothing. */
    public static void undoLeftover(URI redisUrl) {
        try (RedisClient redis = RedisClient.create(redisUrl)) {
            if (FULL.equals(redis.configGet("maxmemory").get("maxmemory"))) {
                redis.configSet("maxmemory", "0");
            }
        }
    }

    @Override
    public void close() {
        redis.configSet("maxmemory", FULL.equals(before) ? "0" : before);
        redis.configSet("maxmemory-policy", policyBefore);
    }
}
