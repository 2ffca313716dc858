package dev.chatsystem.core.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Renews a shard's lease every third of it while its holder handles a batch. Without it a batch that outlasted the
 * lease (a MySQL waiting on locks, a long repair) let another worker take the shard over and apply the same entries
 * at the same time: harmless to the data, as handlers are idempotent, but twice the load on a backend that was slow
 * already. Close it once the batch is handled, then ask what became of the lease. It gives up after {@link
 * #KEEP_AT_MOST}: every backend call has a timeout, so a batch running that long is stuck, and the shard is better
 * drained by another worker.
 */
final class LeaseKeeper implements AutoCloseable {
    enum Outcome {
        /** Renewed all along, or never due. */
        KEPT,
        /**
         * It lapsed (Redis lost the key, or a renewal came late) and was taken again: a successor may have read entries
         * meanwhile and left them pending.
         */
        RETAKEN,
        /** Another worker holds it now. */
        LOST
    }

    static final Duration KEEP_AT_MOST = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private final UnifiedJedis redis;
    private final String lease;
    private final String owner;
    private final Duration ttl;
    private final Duration keepAtMost;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread thread;
    private volatile Outcome outcome = Outcome.KEPT;

    private LeaseKeeper(UnifiedJedis redis, String lease, String owner, Duration ttl, Duration keepAtMost) {
        this.redis = redis;
        this.lease = lease;
        this.owner = owner;
        this.ttl = ttl;
        this.keepAtMost = keepAtMost;
        this.thread = Thread.ofVirtual().name("chat-lease-keeper").unstarted(this::renew);
    }

    static LeaseKeeper start(UnifiedJedis redis, String lease, String owner, Duration ttl) {
        return start(redis, lease, owner, ttl, KEEP_AT_MOST);
    }

    static LeaseKeeper start(UnifiedJedis redis, String lease, String owner, Duration ttl, Duration keepAtMost) {
        LeaseKeeper keeper = new LeaseKeeper(redis, lease, owner, ttl, keepAtMost);
        keeper.thread.start();
        return keeper;
    }

    private void renew() {
        long giveUpAt = System.nanoTime() + keepAtMost.toNanos();
        try {
            while (!done.await(ttl.toMillis() / 3, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() - giveUpAt > 0) {
                    LOG.warn("a batch on {} has run for over {}: stuck; letting its lease lapse", lease, keepAtMost);
                    return;
                }
                Object reply;
                try {
                    reply = Scripts.LEASE.run(redis, List.of(lease), List.of(owner, Long.toString(ttl.toMillis())));
                } catch (RuntimeException e) { // Redis unreachable: the lease may lapse; the next fenced read decides
                    LOG.debug("could not renew {} during a batch: {}", lease, e.toString());
                    continue;
                }
                if (Long.valueOf(0).equals(reply)) {
                    outcome = Outcome.LOST;
                    return;
                }
                if (Long.valueOf(2).equals(reply)) {
                    outcome = Outcome.RETAKEN;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What became of the lease; read it after {@link #close}. */
    Outcome outcome() {
        return outcome;
    }

    /** Stops renewing, after a renewal in progress. */
    @Override
    public void close() {
        done.countDown();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
