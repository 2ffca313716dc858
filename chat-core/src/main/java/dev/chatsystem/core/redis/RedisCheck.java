package dev.chatsystem.core.redis;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.ConfigurationException;
import java.net.URI;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Redis on its own, for an admin tool whose chat system would not open: a connection and a PING, then the eviction
 * policy as the queue's health reads it ({@link QueueHealth}, whose name and kind it reports). Unlike {@link
 * RedisBackend#connect} it starts no periodic check, records no shard count and reads or writes no key; with the
 * backend's client settings ({@link RedisBackend#client}), a Redis that is down is reported within seconds.
 */
public final class RedisCheck {
    private RedisCheck() {}

    /**
     * Up (with a warning when Redis may evict keys) or down with why, for the Redis at {@code url}; a URL that names no
     * host or database it can use is down too, saying so. Never throws for Redis' state.
     */
    public static BackendStatus check(URI url) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(1);
        pool.setMaxWait(java.time.Duration.ofSeconds(2)); // the default waits for ever
        pool.setJmxEnabled(false); // not a server's pool: monitoring reading chat-redis* must not find it
        try (RedisClient redis = RedisBackend.client(url, pool)) {
            redis.ping();
            return EvictionPolicy.risk(redis)
                    .map(risk -> BackendStatus.warning(QueueHealth.NAME, QueueHealth.KIND, risk))
                    .orElseGet(() -> BackendStatus.up(QueueHealth.NAME, QueueHealth.KIND));
        } catch (JedisException e) {
            return BackendStatus.down(
                    QueueHealth.NAME,
                    QueueHealth.KIND,
                    "Redis unreachable at " + RedisBackend.address(url) + ": " + e.getMessage());
        } catch (ConfigurationException e) {
            return BackendStatus.down(QueueHealth.NAME, QueueHealth.KIND, e.getMessage());
        }
    }
}
