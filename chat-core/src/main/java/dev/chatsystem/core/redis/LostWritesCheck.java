package dev.chatsystem.core.redis;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.JobLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;

/**
 * Finds Redis back behind the store (restored from an older snapshot, an AOF synced every second, a failover to a
 * lagging replica, a flush) and repairs it: its counters would give numbers the store already holds. Every {@link
 * #CHECK_EVERY} it compares each shard's persisted mark in Redis with the store's ({@link PersistedMark}); one below
 * means Redis lost writes the store holds. Creates and edits are then refused until a reseed ({@link
 * CounterRecovery#reseed}, under the job lock {@link #RESEED_JOB}, so one process runs it while the others wait) has
 * raised every counter past the store's numbers and Redis' marks to the store's (as {@code chat-cli reseed} does).
 * A reseed raises the streams first and the counters after, so every process refuses while the lock is held, not
 * only while a mark is below.
 *
 * <p>Not the stream ids: a write accepted after the loss takes an id from the server's clock, past the stored ones,
 * and would hide the loss before a check saw it. A store or Redis that cannot be read keeps the last finding.
 */
final class LostWritesCheck implements AutoCloseable {
    static final Duration CHECK_EVERY = Duration.ofSeconds(5);
    static final String RESEED_JOB = "reseed";

    private static final Logger LOG = LoggerFactory.getLogger(LostWritesCheck.class);
    private static final String BEHIND = "Redis is behind the store (it lost writes the store holds) and is being"
            + " reseeded: creates and edits are refused until its counters are past the store's numbers";

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final ChatStore store;
    private final CounterRecovery recovery;
    private final JobLock lock;
    private final boolean repairs;
    private PeriodicCheck periodic; // none until started, and for tests
    private volatile String behind; // null while Redis is not known to be behind
    /** The store's marks as last read: they only rise, so while the store cannot be read they still tell. */
    private volatile Map<Integer, Long> storeMarks = Map.of();

    private LostWritesCheck(
            UnifiedJedis redis,
            RedisKeys keys,
            ChatStore store,
            CounterRecovery recovery,
            JobLock lock,
            boolean repairs) {
        this.redis = redis;
        this.keys = keys;
        this.store = store;
        this.recovery = recovery;
        this.lock = lock;
        this.repairs = repairs;
    }

    /**
     * Finds at once whether Redis is behind (so that no create is accepted before), without failing when it cannot
     * tell; then checks on a thread of its own at once and every {@link #CHECK_EVERY} until closed, reseeding a Redis
     * found behind unless it {@code repairs} nothing (an admin tool, whose exit would cut a reseed short).
     */
    static LostWritesCheck checked(
            UnifiedJedis redis,
            RedisKeys keys,
            ChatStore store,
            CounterRecovery recovery,
            JobLock lock,
            boolean repairs) {
        LostWritesCheck check = new LostWritesCheck(redis, keys, store, recovery, lock, repairs);
        try {
            check.find();
        } catch (RuntimeException e) {
            LOG.debug("cannot tell yet whether Redis is behind the store", e);
        }
        check.periodic = PeriodicCheck.start(
                "chat-lost-writes-check",
                Duration.ZERO,
                CHECK_EVERY,
                check::check,
                LOG,
                "cannot check now whether Redis is behind the store");
        return check;
    }

    /** Checks only when {@link #check} is called: for tests. */
    static LostWritesCheck checkedByCaller(
            UnifiedJedis redis,
            RedisKeys keys,
            ChatStore store,
            CounterRecovery recovery,
            JobLock lock,
            boolean repairs) {
        return new LostWritesCheck(redis, keys, store, recovery, lock, repairs);
    }

    /** Finds whether Redis is behind and, if so and no other process is at it, reseeds it. */
    void check() {
        if (!find() || !repairs) {
            return;
        }
        Optional<JobLock.Held> held = lock.tryLock(RESEED_JOB);
        if (held.isEmpty()) {
            return; // another process reseeds; this one refuses until it is done
        }
        try (JobLock.Held reseeding = held.get()) {
            if (lostShards(store.persistedMarks()).isEmpty()) {
                return; // another process reseeded between the finding and the lock
            }
            long raised;
            try {
                raised = recovery.reseed(store, reseeding::lost); // raises Redis' marks last
            } catch (RuntimeException e) { // every process keeps refusing: say why, not only at debug
                LOG.warn(
                        "reseeding Redis from the store failed (tried again within {}): {}", CHECK_EVERY, e.toString());
                throw e;
            }
            LOG.warn("Redis reseeded from the store: {} counters raised past the store's numbers", raised);
        }
        find();
    }

    /** Throws while Redis is known to be behind the store or is being reseeded. */
    void requireCaughtUp() {
        String found = behind;
        if (found != null) {
            throw new BackendUnavailableException(found);
        }
    }

    /** Why creates and edits are refused; null while Redis is not known to be behind. */
    String behind() {
        return behind;
    }

    /** Updates the finding: behind while a shard lost writes or a reseed runs. True when a shard lost writes. */
    private boolean find() {
        List<Integer> lost = lostShards(storeMarks());
        boolean reseeding = redis.exists(keys.lock(RESEED_JOB));
        String found = lost.isEmpty() && !reseeding ? null : BEHIND;
        if (found != null && behind == null) {
            LOG.error(
                    "Redis lost writes the store holds{}; refusing creates and edits until it is reseeded",
                    lost.isEmpty() ? " (another process is reseeding it)" : " on shards " + lost);
        } else if (found == null && behind != null) {
            LOG.info("Redis is no longer behind the store; creates and edits are accepted");
        }
        behind = found;
        return !lost.isEmpty();
    }

    /**
     * The store's marks, or those read last while it cannot be read: a process that found Redis behind before MySQL
     * went down must not keep refusing creates (which need only Redis) through the outage once another reseeded it.
     */
    private Map<Integer, Long> storeMarks() {
        try {
            Map<Integer, Long> read = store.persistedMarks();
            storeMarks = read;
            return read;
        } catch (RuntimeException e) {
            LOG.debug("cannot read the store's persisted marks now; comparing with those read last", e);
            return storeMarks;
        }
    }

    /** The shards whose mark in Redis is below the store's (a missing one counts as 0). */
    private List<Integer> lostShards(Map<Integer, Long> storeMarks) {
        List<Integer> lost = new ArrayList<>();
        for (Map.Entry<Integer, Long> mark : storeMarks.entrySet()) {
            if (mark.getKey() < keys.shards() && redisMark(mark.getKey()) < mark.getValue()) {
                lost.add(mark.getKey());
            }
        }
        return lost;
    }

    private long redisMark(int shard) {
        String mark = redis.get(keys.persisted(shard));
        return mark == null ? 0 : StreamEntries.version(new StreamEntryID(mark));
    }

    @Override
    public void close() {
        if (periodic != null) {
            periodic.close();
        }
    }
}
