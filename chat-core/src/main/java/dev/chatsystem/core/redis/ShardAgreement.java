package dev.chatsystem.core.redis;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ConfigurationException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

/**
 * Every process on one Redis must spread applications over the same number of shards: with another, it would keep an
 * application's counters under another key (handing out numbers already given) and leave streams undrained. The first
 * to connect records its number and a process with another is refused. A Redis that loses its data loses that record
 * too, and a process started then with another number would record its own; so every process records and compares
 * again every {@link #CHECK_EVERY}, and refuses creates and edits while the numbers differ. An admin tool only
 * compares: run from a shell with another number, it must not record one the servers then disagree with.
 */
final class ShardAgreement implements AutoCloseable {
    static final Duration CHECK_EVERY = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(ShardAgreement.class);

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final boolean records;
    private PeriodicCheck periodic; // none until started, and for tests
    private volatile String disagreement; // null while the numbers agree (or cannot be read)
    private volatile boolean running; // checked once already: a disagreement now came after the start

    private ShardAgreement(UnifiedJedis redis, RedisKeys keys, boolean records) {
        this.redis = redis;
        this.keys = keys;
        this.records = records;
    }

    /**
     * Records this process's number unless one is (when it {@code records}), refuses to start with another, then
     * checks again every {@link #CHECK_EVERY} until closed.
     */
    static ShardAgreement checked(UnifiedJedis redis, RedisKeys keys, boolean records) {
        ShardAgreement agreement = new ShardAgreement(redis, keys, records);
        agreement.check();
        if (agreement.disagreement != null) {
            throw new ConfigurationException(agreement.disagreement);
        }
        agreement.periodic = PeriodicCheck.start(
                "chat-shard-agreement",
                CHECK_EVERY,
                CHECK_EVERY,
                agreement::check,
                LOG,
                "cannot check the shard count now");
        return agreement;
    }

    /** Checks only when {@link #check} is called: for tests. */
    static ShardAgreement checkedByCaller(UnifiedJedis redis, RedisKeys keys) {
        return new ShardAgreement(redis, keys, true);
    }

    void check() {
        String key = keys.shardCount();
        String shards = Integer.toString(keys.shards());
        if (records) {
            try {
                redis.set(key, shards, SetParams.setParams().nx());
            } catch (JedisDataException e) {
                // At maxmemory (noeviction) Redis refuses even this; the value recorded before, if any, still decides.
            }
        }
        String recorded = redis.get(key);
        String found = recorded == null || recorded.equals(shards)
                ? null
                : "CHAT_SHARDS is " + shards + ", but the processes on this Redis use " + recorded
                        + (running
                                ? ": a process with another value recorded it after this one started (Redis lost its"
                                        + " data?). Stop the processes whose value is wrong, then DEL "
                                        + keys.shardCount() + "; the right one is recorded again within "
                                        + CHECK_EVERY.toSeconds() + " s"
                                : ": every process must use the same. To change it, stop them all once their queues"
                                        + " are empty, clear Redis (FLUSHALL; counters are seeded again from the store)"
                                        + " and start them with the new value");
        if (found != null && disagreement == null) {
            LOG.error("refusing creates and edits: {}", found);
        } else if (found == null && disagreement != null) {
            LOG.info("the shard count agrees again ({}); creates and edits are accepted", shards);
        }
        disagreement = found;
        running = true;
    }

    /** Throws while this process's shard count differs from the one recorded in Redis. */
    void requireAgreement() {
        String found = disagreement;
        if (found != null) {
            throw new BackendUnavailableException(found);
        }
    }

    RedisKeys keys() {
        return keys;
    }

    /** Why this process's shard count is wrong; null while it agrees. */
    String disagreement() {
        return disagreement;
    }

    @Override
    public void close() {
        if (periodic != null) {
            periodic.close();
        }
    }
}
