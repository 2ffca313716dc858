package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.spi.JobLock;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.RedisDatabase;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/** Job locks on the real Redis: exclusive across processes, renewed while held, freed by close or by a holder's death. */
class RedisJobLockTest {
    private static final String JOB = "a-long-job";
    private static final Duration TTL = Duration.ofSeconds(2); // renewed every 667 ms

    @RegisterExtension
    final RedisDatabase redis = new RedisDatabase(14);

    private final RedisKeys keys = new RedisKeys(8);

    private JobLock process(String name) {
        return new RedisJobLock(redis.client(), keys, name, TTL);
    }

    @Test
    void aHeldLockIsRefusedToEveryOtherHolderUntilItIsClosed() {
        JobLock first = process("first");
        JobLock second = process("second");

        try (JobLock.Held held = first.tryLock(JOB).orElseThrow()) {
            assertThat(second.tryLock(JOB)).isEmpty();
            assertThat(first.tryLock(JOB)).as("the same process again").isEmpty();
            try (JobLock.Held other = second.tryLock("another-job").orElseThrow()) {
                assertThat(other).isNotNull();
            }
        }

        Optional<JobLock.Held> after = second.tryLock(JOB);
        assertThat(after).isPresent();
        after.get().close();
        after.get().close(); // harmless
        assertThat(redis.client().exists(keys.lock(JOB))).isFalse();
    }

    @Test
    void aHeldLockIsRenewedPastItsTimeToLive() throws InterruptedException {
        try (JobLock.Held held = process("first").tryLock(JOB).orElseThrow()) {
            Thread.sleep(TTL.multipliedBy(2));

            assertThat(process("second").tryLock(JOB)).isEmpty();
            assertThat(redis.client().pttl(keys.lock(JOB))).isPositive();
            assertThat(held.lost()).isFalse();
        }
    }

    /** The job learns it: another process may run it now. */
    @Test
    void aHoldWhoseKeyRedisLostOrAnotherTookIsLost() {
        JobLock first = process("first");
        try (JobLock.Held kept = first.tryLock(JOB).orElseThrow();
                JobLock.Held flushed = first.tryLock("flushed").orElseThrow();
                JobLock.Held taken = first.tryLock("taken").orElseThrow()) {
            redis.client().del(keys.lock("flushed")); // Redis lost its data
            redis.client()
                    .set(
                            keys.lock("taken"),
                            "second:token",
                            SetParams.setParams().px(60_000));

            Await.until(() -> flushed.lost() && taken.lost(), TTL.multipliedBy(3));

            assertThat(kept.lost()).isFalse();
            assertThat(redis.client().exists(keys.lock("flushed")))
                    .as("taken again until the job stops")
                    .isTrue();
            assertThat(redis.client().get(keys.lock("taken"))).isEqualTo("second:token");
        }
        assertThat(redis.client().exists(keys.lock("flushed"))).isFalse();
    }

    @Test
    void aHolderThatDiedWithoutClosingFreesTheLockWithinItsTimeToLive() {
        // What a killed holder leaves: its token, renewed no more.
        redis.client().set(keys.lock(JOB), "killed:token", SetParams.setParams().px(TTL.toMillis()));
        JobLock next = process("next");
        assertThat(next.tryLock(JOB)).isEmpty();

        Await.until(
                () -> next.tryLock(JOB)
                        .map(held -> {
                            held.close();
                            return true;
                        })
                        .orElse(false),
                TTL.multipliedBy(5));
    }

    @Test
    void closingALockThatLapsedAndWasTakenByAnotherLeavesTheOthers() {
        JobLock.Held lapsed = process("first").tryLock(JOB).orElseThrow();
        // Redis lost the key (a restart without persistence) and another process took the lock meanwhile.
        redis.client().set(keys.lock(JOB), "second:token", SetParams.setParams().px(60_000));

        lapsed.close();

        assertThat(redis.client().get(keys.lock(JOB))).isEqualTo("second:token");
    }

    @Test
    void aHoldClosedOnAnInterruptedThreadIsGivenBackAndTheInterruptKept() {
        JobLock.Held held = process("first").tryLock(JOB).orElseThrow();

        Thread.currentThread().interrupt(); // as a job that was interrupted closes its lock
        held.close();

        assertThat(Thread.interrupted()).isTrue();
        assertThat(redis.client().exists(keys.lock(JOB))).isFalse();
    }

    @Test
    void aLockThatCannotBeReadIsAnUnavailableBackend() {
        try (RedisClient unreachable = RedisClient.create("127.0.0.1", 1)) {
            JobLock lock = new RedisJobLock(unreachable, keys, "first", TTL);

            assertThatThrownBy(() -> lock.tryLock(JOB)).isInstanceOf(BackendUnavailableException.class);
        }
    }
}
