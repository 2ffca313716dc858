package dev.chatsystem.core.testing;

import java.net.URI;
import redis.clients.jedis.RedisClient;

/**
 * Redis at {@code maxmemory} for a test: {@code maxmemory} set to 1 byte, so every command that may grow memory is
 * refused. It is a server-wide setting, so a JVM killed inside such a test leaves the Redis refusing writes for every
 * later test and run: classes that use it call {@link #undoLeftover} first.
 */
public final class RedisMaxmemory implements AutoCloseable {
    private static final String FULL = "1";

    private final RedisClient redis;
    private final String before;

    private RedisMaxmemory(RedisClient redis) {
        this.redis = redis;
        this.before = redis.configGet("maxmemory").get("maxmemory");
        redis.configSet("maxmemory", FULL);
    }

    /** Sets {@code maxmemory} to 1 byte until closed, which puts back the value it had. */
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
    }
}
