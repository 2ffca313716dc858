package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.testing.Services;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

class LeaseKeeperTest {
    private static final URI REDIS = Services.redisUrl().resolve("/6"); // ShardDrainerTest's; keys of its own
    private static final Duration TTL = Duration.ofSeconds(1);

    private final String lease = "lease-keeper-test:" + UUID.randomUUID();
    private RedisClient redis;

    @BeforeEach
    void setUp() {
        Services.requireRedis();
        redis = RedisClient.create(REDIS);
        redis.set(lease, "owner", SetParams.setParams().px(TTL.toMillis()));
    }

    @AfterEach
    void tearDown() {
        redis.del(lease);
        redis.close();
    }

    @Test
    void keepsTheLeaseWhileTheBatchRuns() throws InterruptedException {
        try (LeaseKeeper keeper = LeaseKeeper.start(redis, lease, "owner", TTL)) {
            Thread.sleep(TTL.multipliedBy(3));

            assertThat(redis.get(lease)).isEqualTo("owner");
            keeper.close();
            assertThat(keeper.outcome()).isEqualTo(LeaseKeeper.Outcome.KEPT);
        }
    }

    @Test
    void tellsWhenAnotherWorkerTookTheLease() throws InterruptedException {
        try (LeaseKeeper keeper = LeaseKeeper.start(redis, lease, "owner", TTL)) {
            redis.set(lease, "other");
            Thread.sleep(TTL);

            keeper.close();
            assertThat(keeper.outcome()).isEqualTo(LeaseKeeper.Outcome.LOST);
            assertThat(redis.get(lease)).isEqualTo("other");
        }
    }

    /** Every backend call has a timeout: a batch running this long is stuck, and another worker should drain. */
    @Test
    void letsTheLeaseLapseOnceTheBatchRanTooLong() throws InterruptedException {
        try (LeaseKeeper keeper = LeaseKeeper.start(redis, lease, "owner", TTL, TTL.multipliedBy(2))) {
            Thread.sleep(TTL.multipliedBy(5));

            assertThat(redis.get(lease)).isNull();
        }
    }
}
