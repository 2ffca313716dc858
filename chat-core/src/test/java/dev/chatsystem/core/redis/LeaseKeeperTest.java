package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.testing.Await;
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
    /**
     * Renewed every third of it, so a renewal may come up to two thirds of it late (a loaded CI machine stalls threads
     * for a second or more) before the lease lapses under a keeper that works.
     */
    private static final Duration TTL = Duration.ofSeconds(3);

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
            Thread.sleep(TTL.multipliedBy(2)); // unrenewed, it would have lapsed a TTL ago

            assertThat(redis.get(lease)).isEqualTo("owner");
            keeper.close();
            assertThat(keeper.outcome()).isEqualTo(LeaseKeeper.Outcome.KEPT);
        }
    }

    @Test
    void tellsWhenAnotherWorkerTookTheLease() throws InterruptedException {
        try (LeaseKeeper keeper = LeaseKeeper.start(redis, lease, "owner", TTL)) {
            redis.set(lease, "other");
            // Found at the next renewal (a third of the TTL); the keeper stops renewing then.
            Await.until(() -> keeper.outcome() == LeaseKeeper.Outcome.LOST, TTL.multipliedBy(3));

            keeper.close();
            assertThat(keeper.outcome()).isEqualTo(LeaseKeeper.Outcome.LOST);
            assertThat(redis.get(lease)).isEqualTo("other");
        }
    }

    /** Every backend call has a timeout: a batch running this long is stuck, and another worker should drain. */
    @Test
    void letsTheLeaseLapseOnceTheBatchRanTooLong() throws InterruptedException {
        Duration keepAtMost = TTL.multipliedBy(2);
        try (LeaseKeeper keeper = LeaseKeeper.start(redis, lease, "owner", TTL, keepAtMost)) {
            Thread.sleep(TTL.multipliedBy(3).dividedBy(2));
            assertThat(redis.get(lease))
                    .as("renewed until the batch is too long")
                    .isEqualTo("owner");

            // Given up at keepAtMost, so gone a TTL later at most; a keeper renewing on would keep it.
            Await.until(() -> redis.get(lease) == null, keepAtMost.plus(TTL.multipliedBy(2)));
        }
    }
}
