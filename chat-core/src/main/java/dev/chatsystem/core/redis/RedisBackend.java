package dev.chatsystem.core.redis;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ConfigurationException;
import dev.chatsystem.core.Urls;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.JobLease;
import dev.chatsystem.core.spi.JobLock;
import dev.chatsystem.core.spi.Numbering;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.spi.WritePath;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.Objects;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * The Redis backend: numbering and the write queue ({@link #writePath()}, {@link #numbering()}) for every process,
 * and the queue workers ({@link #startWorkers}) for processes that run them. Owns the pooled client.
 */
public final class RedisBackend implements AutoCloseable {
    /** Per shard by default: beyond this many queued entries, creates are refused with 503 until workers catch up. */
    public static final long MAX_STREAM_LENGTH = 1_000_000;

    /**
     * Per shard by default: once its stream was measured at this many bytes, creates and edits are refused the same way
     * (see {@link StreamMemoryBudget}). With the pending hashes, which hold the bodies of the writes not persisted yet
     * again, the queue then takes Redis about 8 × 2 × 128 MiB at most, whatever the bodies' size.
     */
    public static final long MAX_STREAM_BYTES = 128L << 20;

    /** The name the connection pool's MBean starts with; a second client in one JVM gets a number appended. */
    public static final String POOL_JMX_NAME = "chat-redis";

    /** Threads sending the requests' commands in shared pipelines: two, so one can send while the other waits. */
    static final int PIPELINE_SENDERS = 2;

    private static final int SOCKET_TIMEOUT_MILLIS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(RedisBackend.class);

    private final RedisClient redis;
    private final SharedPipeline pipeline;
    private final RedisKeys keys;
    private final ShardAgreement agreement;
    private final StreamMemoryBudget memory;
    private final LostWritesCheck lostWrites;
    private final RedisWritePath writePath;

    private RedisBackend(
            RedisClient redis,
            ShardAgreement agreement,
            long maxStreamLength,
            long maxStreamBytes,
            boolean maintainsRedis,
            ChatStore store) {
        this.redis = redis;
        this.agreement = agreement;
        this.keys = agreement.keys();
        // A caller waits longer than the socket timeout, so a dead connection fails its pipeline first.
        this.pipeline =
                new SharedPipeline(redis, PIPELINE_SENDERS, java.time.Duration.ofMillis(SOCKET_TIMEOUT_MILLIS + 1_000));
        this.memory = StreamMemoryBudget.measuring(redis, keys, maxStreamBytes);
        this.lostWrites = LostWritesCheck.checked(
                redis,
                keys,
                store,
                new CounterRecovery(pipeline, keys, store, CatchUpMarker.inRedis(redis, keys)),
                new RedisJobLock(
                        redis, keys, ManagementFactory.getRuntimeMXBean().getName(), RedisJobLock.TTL),
                maintainsRedis);
        this.writePath =
                new RedisWritePath(redis, pipeline, keys, store, maxStreamLength, memory, agreement, lostWrites);
    }

    /**
     * Connects to {@code url} ({@code redis://[user:password@]host:port[/db]}) and checks that it answers. Every
     * instance must use the same {@code shards}. {@code store} seeds counters that are missing, and all of them when
     * Redis is found behind it ({@link LostWritesCheck}, at once and every few seconds). Each shard's stream is
     * bounded by the defaults, {@link #MAX_STREAM_LENGTH} and {@link #MAX_STREAM_BYTES}.
     */
    public static RedisBackend connect(URI url, int shards, ChatStore store) {
        return connect(url, shards, MAX_STREAM_LENGTH, MAX_STREAM_BYTES, true, store);
    }

    /**
     * As {@link #connect(URI, int, ChatStore)}, each shard's stream bounded to {@code maxStreamLength} entries and
     * {@code maxStreamBytes} as measured (see {@link StreamMemoryBudget}); without {@code maintainsRedis}, the shard
     * count is only compared with the one recorded, never recorded ({@link ShardAgreement}), and a Redis found behind
     * the store is refused but not reseeded ({@link LostWritesCheck}).
     */
    public static RedisBackend connect(
            URI url, int shards, long maxStreamLength, long maxStreamBytes, boolean maintainsRedis, ChatStore store) {
        Objects.requireNonNull(store, "store");
        if (maxStreamLength < 1 || maxStreamBytes < 1) {
            throw new IllegalArgumentException("stream bounds must be positive, were " + maxStreamLength + " entries, "
                    + maxStreamBytes + " bytes");
        }
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        // Every drainer holds a connection during its blocking read; requests need their own on top.
        pool.setMaxTotal(2 * shards + 128);
        // Idle connections are kept up to the same bound: with fewer, every burst above it closed connections on
        // return and opened new ones (connect + HELLO) on the next request, which JFR showed under 64 connections.
        pool.setMaxIdle(2 * shards + 128);
        pool.setMaxWait(java.time.Duration.ofSeconds(2));
        // The pool registers an MBean (org.apache.commons.pool2:type=GenericObjectPool,name=chat-redis, then
        // chat-redis2, ...); a name of its own lets monitoring find it without a Jedis type crossing the core's API.
        pool.setJmxNamePrefix(POOL_JMX_NAME);
        HostAndPort address = address(url);
        RedisClient redis = client(url, pool);
        ShardAgreement agreement;
        try {
            redis.ping();
            agreement = ShardAgreement.checked(redis, new RedisKeys(shards), maintainsRedis);
            EvictionPolicy.risk(redis).ifPresent(risk -> LOG.warn("Redis {}", risk)); // and in health
        } catch (JedisException e) {
            redis.close();
            throw new BackendUnavailableException("cannot reach Redis at " + address + ": " + e.getMessage());
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
        return new RedisBackend(redis, agreement, maxStreamLength, maxStreamBytes, maintainsRedis, store);
    }

    /**
     * The client for {@code url} on {@code pool}: its address, user, password, database and TLS, with this backend's
     * timeouts, so that a Redis that is down fails a call within seconds. Connects at the first call.
     */
    static RedisClient client(URI url, GenericObjectPoolConfig<Connection> pool) {
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(2_000)
                .socketTimeoutMillis(SOCKET_TIMEOUT_MILLIS)
                .clientName("chat-system");
        // Urls, not URI: URI finds no host nor user info in redis://chat_redis:6379 (a Docker service name).
        String userInfo = Urls.userInfo(url).orElse(null);
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                if (colon > 0) {
                    client.user(userInfo.substring(0, colon));
                }
                client.password(userInfo.substring(colon + 1));
            } else {
                client.password(userInfo);
            }
        }
        String path = url.getPath();
        if (path != null && path.length() > 1) {
            client.database(database(url, path.substring(1)));
        }
        client.ssl("rediss".equals(url.getScheme()));
        return RedisClient.builder()
                .hostAndPort(address(url))
                .clientConfig(client.build())
                .poolConfig(pool)
                .build();
    }

    /** ChatConfig has checked it; a caller passing its own URL gets the same one-line failure. */
    private static int database(URI url, String number) {
        if (!number.matches("[0-9]{1,9}")) {
            throw new ConfigurationException(
                    "CHAT_REDIS_URL may end with /N, a database number such as /0, was " + Urls.redact(url));
        }
        return Integer.parseInt(number);
    }

    static HostAndPort address(URI url) {
        String host = Urls.host(url)
                .orElseThrow(() -> new ConfigurationException(
                        "CHAT_REDIS_URL must look like redis://host:port, was " + Urls.redact(url)));
        return new HostAndPort(host, Urls.port(url, 6379));
    }

    /** Creates go through one atomic script: the number and the queued write never diverge. */
    public WritePath writePath() {
        return writePath;
    }

    /** Last numbers, from the Redis counters (seeded from the store when missing). */
    public Numbering numbering() {
        return writePath;
    }

    /**
     * Starts draining every shard this process can take a lease on, reporting each acknowledged batch to {@code
     * listener} (which must not throw); close the result to stop.
     */
    public AutoCloseable startWorkers(
            ChatStore store,
            SearchIndex index,
            int batchSize,
            String owner,
            java.time.Duration keyRetention,
            WorkerListener listener) {
        return new StreamWorkers(redis, keys, store, writePath, index, batchSize, owner, keyRetention, listener);
    }

    /**
     * Leases of periodic jobs shared by every instance on this Redis: {@code SET NX PX} on a key per job, holding
     * {@code owner} so an operator can see who ran it last.
     */
    public JobLease jobLease(String owner) {
        Objects.requireNonNull(owner, "owner");
        return (job, period) -> RedisCalls.call(() -> "OK"
                .equals(redis.set(
                        keys.job(job), owner, SetParams.setParams().nx().px(period.toMillis()))));
    }

    /**
     * Locks of long jobs shared by every instance on this Redis ({@link RedisJobLock}), each hold named after {@code
     * owner}.
     */
    public JobLock jobLock(String owner) {
        return new RedisJobLock(redis, keys, Objects.requireNonNull(owner, "owner"), RedisJobLock.TTL);
    }

    /** Answers every queued script, then closes the client. */
    @Override
    public void close() {
        try {
            agreement.close();
            lostWrites.close();
            memory.close();
            pipeline.close();
        } finally {
            redis.close();
        }
    }
}
