package dev.chatsystem.core.redis;

import dev.chatsystem.core.BackendUnavailableException;
import java.time.Instant;
import java.util.function.Supplier;
import redis.clients.jedis.exceptions.JedisException;

/** Calls to Redis as the ports promise them: a failure is a {@link BackendUnavailableException}. */
final class RedisCalls {
    private RedisCalls() {}

    static <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } catch (JedisException e) {
            throw new BackendUnavailableException("Redis: " + e.getMessage(), e);
        }
    }

    /** A time as the scripts and pending values hold it: microseconds since the epoch. */
    static String micros(Instant at) {
        return Long.toString(at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000);
    }
}
