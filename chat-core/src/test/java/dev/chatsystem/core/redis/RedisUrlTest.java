package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.h2.H2ChatStore;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;

/** What the Redis client is given from CHAT_REDIS_URL, including host names URI cannot parse. */
class RedisUrlTest {
    @TempDir
    Path dataDir;

    @Test
    void aHostWithAnUnderscoreReachesTheClient() {
        assertThat(RedisBackend.address(URI.create("redis://:pw@chat_redis:6380/1")))
                .isEqualTo(new HostAndPort("chat_redis", 6380));
        assertThat(RedisBackend.address(URI.create("rediss://chat_redis")))
                .isEqualTo(new HostAndPort("chat_redis", 6379));
        assertThat(RedisBackend.address(URI.create("redis://127.0.0.1:6379")))
                .isEqualTo(new HostAndPort("127.0.0.1", 6379));
    }

    @Test
    void connectingToAnUnknownUnderscoreHostNamesIt() {
        try (H2ChatStore store = H2ChatStore.open(dataDir)) {
            assertThatThrownBy(() -> RedisBackend.connect(URI.create("redis://no_such_host:6379"), 1, store))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageStartingWith("cannot reach Redis at no_such_host:6379");
        }
    }
}
