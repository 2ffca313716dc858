package dev.chatsystem.core.redis;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import redis.clients.jedis.UnifiedJedis;

/**
 * The record that an index catch-up is owed, kept where every worker sees it: the worker that found a queue missing
 * may stop before its pass ends (a deploy, {@code kill -9}), and another must then run it. Each request writes a new
 * value; a pass clears the value it read before it started, so a request made during a pass keeps the record for the
 * next one.
 */
interface CatchUpMarker {
    /** Records that a pass is owed. */
    void set();

    /** The record's current value, if a pass is owed. */
    Optional<String> get();

    /** Clears the record if it still holds {@code value}. */
    void clear(String value);

    /** A record in Redis, under {@link RedisKeys#catchUp}. */
    static CatchUpMarker inRedis(UnifiedJedis redis, RedisKeys keys) {
        String key = keys.catchUp();
        return new CatchUpMarker() {
            @Override
            public void set() {
                RedisCalls.call(() -> redis.set(key, UUID.randomUUID().toString()));
            }

            @Override
            public Optional<String> get() {
                return Optional.ofNullable(RedisCalls.call(() -> redis.get(key)));
            }

            @Override
            public void clear(String value) { // compare and delete, as a lease is given back
                RedisCalls.call(() -> Scripts.RELEASE.run(redis, List.of(key), List.of(value)));
            }
        };
    }
}
