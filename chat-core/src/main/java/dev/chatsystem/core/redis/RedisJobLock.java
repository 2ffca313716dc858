package dev.chatsystem.core.redis;

import dev.chatsystem.core.spi.JobLock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Job locks on Redis: a key per job holding a token unique to each hold, taken only when free and renewed by a virtual
 * thread every third of its time to live ({@link Scripts#LEASE}), deleted on close only by its holder ({@link
 * Scripts#RELEASE}). A holder killed without closing frees it within the time to live.
 *
 * <p>A hold is {@link Held#lost() lost} once a renewal finds the key gone (it lapsed, or Redis lost its data) or held by
 * another, or once no renewal has succeeded for the time to live (the key may have lapsed meanwhile). A key found gone
 * is taken again and renewed all the same, so that no other process starts the job before this one has stopped.
 */
final class RedisJobLock implements JobLock {
    static final Duration TTL = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(RedisJobLock.class);
    private static final long RENEWED = 1;
    private static final long TAKEN_FREE = 2;

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final String owner;
    private final Duration ttl;

    RedisJobLock(UnifiedJedis redis, RedisKeys keys, String owner, Duration ttl) {
        this.redis = redis;
        this.keys = keys;
        this.owner = owner;
        this.ttl = ttl;
    }

    @Override
    public Optional<Held> tryLock(String job) {
        String key = keys.lock(job);
        String token = owner + ":" + UUID.randomUUID();
        long sent = System.nanoTime();
        if (lease(key, token) != TAKEN_FREE) {
            return Optional.empty();
        }
        return Optional.of(new Hold(key, token, sent).start());
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private long lease(String key, String token) {
        return (Long) RedisCalls.call(
                () -> Scripts.LEASE.run(redis, List.of(key), List.of(token, Long.toString(ttl.toMillis()))));
    }

    /** One hold: renewed until closed, then given back. */
    private final class Hold implements Held {
        private final String key;
        private final String token;
        private final CountDownLatch closing = new CountDownLatch(1);
        private final AtomicBoolean open = new AtomicBoolean(true);
        private final AtomicBoolean lost = new AtomicBoolean();
        private final Thread renewer;
        /** When the last lease that was taken or renewed was sent: the key lives at least the time to live past it. */
        private volatile long renewedAt;

        Hold(String key, String token, long takenAt) {
            this.key = key;
            this.token = token;
            this.renewedAt = takenAt;
            this.renewer = Thread.ofVirtual().name("lock-renewer " + key).unstarted(this::renewUntilClosed);
        }

        Hold start() {
            renewer.start();
            return this;
        }

        private void renewUntilClosed() {
            try {
                while (!closing.await(ttl.toMillis() / 3, TimeUnit.MILLISECONDS)) {
                    if (!renew()) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** False once another holder has the lock, which this hold then no longer tries to take back. */
        private boolean renew() {
            long sent = System.nanoTime();
            try {
                long reply = lease(key, token);
                if (reply == TAKEN_FREE) {
                    lose("had lapsed (Redis unreachable or lost its data); taken again until the job stops");
                } else if (reply != RENEWED) {
                    lose("lapsed and another process holds it now: two of its jobs may run at once");
                    return false;
                }
                renewedAt = sent;
            } catch (RuntimeException e) { // Redis unreachable, mostly: the next round tries again
                log.warn("could not renew {} ({}); it lapses {} s after the last renewal", key, e, ttl.toSeconds());
                lost();
            }
            return true;
        }

        @Override
        public boolean lost() {
            if (!lost.get() && System.nanoTime() - renewedAt > ttl.toNanos()) {
                lose("was not renewed for " + ttl.toSeconds() + " s and may have lapsed");
            }
            return lost.get();
        }

        /** Records the loss, told once. */
        private void lose(String why) {
            if (!lost.getAndSet(true)) {
                log.warn("{} {}: the job holding it stops without finishing", key, why);
            }
        }

        @Override
        public void close() {
            if (!open.getAndSet(false)) {
                return;
            }
            closing.countDown();
            // A renewal in flight must not take the lock again after the release; a job whose thread was interrupted
            // gives it back all the same.
            joinUninterruptibly(renewer);
            try {
                Scripts.RELEASE.run(redis, List.of(key), List.of(token));
            } catch (RuntimeException e) {
                log.warn("could not give {} back ({}); it lapses within {} s", key, e.toString(), ttl.toSeconds());
            }
        }
    }
}
