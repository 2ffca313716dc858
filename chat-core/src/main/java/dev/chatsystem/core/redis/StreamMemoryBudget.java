package dev.chatsystem.core.redis;

import dev.chatsystem.core.QueueMemory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Bounds the memory of each shard stream: measures them every {@link #MEASURE_EVERY} ({@code MEMORY USAGE} with
 * {@value #SAMPLES} samples: 9-18 µs of Redis on a stream of 100,000 entries) and tells which shards' streams
 * were at {@code maxBytes} when last measured. {@link RedisWritePath} gives the create scripts an entry bound of 0 for
 * those, so they refuse new writes but still answer the retry of an acknowledged create (its idempotency record).
 *
 * <p>The create scripts bound a stream's entries, which alone would let a shard hold a million bodies of 64 KB. Counting
 * bytes in the scripts instead (a running total in the entries, given back when trimmed) was exact, but cost Redis
 * 22.3-24.7 µs of CPU per create against 19.3-21.1 without (stack creates into one chat, runs alternated). Measured
 * from outside, the bound is soft: every API instance may pass it by what it accepts between two measurements.
 *
 * <p>A measurement older than {@link #STALE_AFTER} refuses nothing: the scripts' entry bound still holds, and a
 * measurer that stopped (Redis unreachable, an {@link Error} that ended its schedule) must not keep a shard refused
 * for good.
 */
final class StreamMemoryBudget implements AutoCloseable {
    static final Duration MEASURE_EVERY = Duration.ofMillis(500);
    static final Duration STALE_AFTER = Duration.ofSeconds(5);

    /**
     * Listpack nodes {@code MEMORY USAGE} looks at. On 100,000 entries of bodies from 10 bytes to 5 KB, 5 (its default)
     * estimated 18 % under the exact size, 50 3 % under; the exact size (every node) took Redis 1.1 ms.
     */
    static final int SAMPLES = 50;

    private static final Logger log = LoggerFactory.getLogger(StreamMemoryBudget.class);

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final long maxBytes;
    private final AtomicLongArray measured;
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService measurer;
    private volatile long measuredAt; // nano time of the last complete measurement; stale until the first
    private volatile boolean failing;

    private StreamMemoryBudget(
            UnifiedJedis redis, RedisKeys keys, long maxBytes, LongSupplier nanoTime, boolean periodic) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
        }
        this.redis = redis;
        this.keys = keys;
        this.maxBytes = maxBytes;
        this.measured = new AtomicLongArray(keys.shards());
        this.nanoTime = nanoTime;
        this.measuredAt = nanoTime.getAsLong() - STALE_AFTER.toNanos() - 1;
        this.measurer = periodic
                ? Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().name("chat-stream-memory").daemon().factory())
                : null;
    }

    /** Measures every shard now, then every {@link #MEASURE_EVERY} until closed. */
    static StreamMemoryBudget measuring(UnifiedJedis redis, RedisKeys keys, long maxBytes) {
        StreamMemoryBudget budget = new StreamMemoryBudget(redis, keys, maxBytes, System::nanoTime, true);
        budget.measureQuietly();
        budget.measurer.scheduleWithFixedDelay(
                budget::measureQuietly, MEASURE_EVERY.toMillis(), MEASURE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return budget;
    }

    /** Measures only when {@link #measure} is called, on the clock {@code nanoTime}: for tests. */
    static StreamMemoryBudget measuredByCaller(
            UnifiedJedis redis, RedisKeys keys, long maxBytes, LongSupplier nanoTime) {
        return new StreamMemoryBudget(redis, keys, maxBytes, nanoTime, false);
    }

    /**
     * True when the stream of {@code token}'s shard was at the budget when last measured, unless that measurement is
     * stale: writes to it are refused then.
     */
    boolean full(String token) {
        return measured.get(keys.shardOf(token)) >= maxBytes
                && nanoTime.getAsLong() - measuredAt <= STALE_AFTER.toNanos();
    }

    /** Bytes the stream of each shard took when last measured. */
    long measured(int shard) {
        return measured.get(shard);
    }

    /** Every shard as last measured, with the bound. */
    List<QueueMemory> all() {
        List<QueueMemory> all = new ArrayList<>(keys.shards());
        for (int shard = 0; shard < keys.shards(); shard++) {
            all.add(new QueueMemory(shard, measured.get(shard), maxBytes));
        }
        return all;
    }

    void measure() {
        for (int shard = 0; shard < keys.shards(); shard++) {
            Long bytes = redis.memoryUsage(keys.stream(shard), SAMPLES);
            measured.set(shard, bytes == null ? 0 : bytes); // null: no stream (nothing queued)
        }
        measuredAt = nanoTime.getAsLong();
    }

    /*
     * A failed measurement keeps the last figures: with Redis unreachable the scripts fail anyway, and a shard at its
     * budget stays refused until a measurement says otherwise. Logged once per outage, not twice a second.
     */
    private void measureQuietly() {
        try {
            measure();
            if (failing) {
                failing = false;
                log.info("measuring the queue streams' memory works again");
            }
        } catch (RuntimeException | Error e) { // an Error too: thrown out of the schedule, it would end measuring
            if (!failing) {
                failing = true;
                log.warn("measuring the queue streams' memory failed (keeping the last figures): {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        if (measurer != null) {
            measurer.shutdownNow();
        }
    }
}
