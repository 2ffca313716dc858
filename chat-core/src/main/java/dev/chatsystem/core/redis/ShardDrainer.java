package dev.chatsystem.core.redis;

import dev.chatsystem.core.WorkerListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Drains one shard stream for one consumer group, at least once and in order.
 *
 * <p>Only the holder of the shard's lease reads, always as the same consumer name, so per-chat order holds and a new
 * holder first re-reads (from id 0) whatever the previous holder read but did not acknowledge, for example because it
 * was killed mid-batch. Each read checks the lease in the same script ({@link Scripts#FENCED_READ}), so a holder that
 * lost the lease without noticing (paused longer than the lease, or Redis lost the key) cannot take entries its
 * successor would not see; a batch it had read already is re-read and applied by the successor too, which handlers
 * being idempotent and edits versioned make harmless. The lease is renewed while a batch is handled ({@link
 * LeaseKeeper}), so a slow batch alone does not hand the shard over. Handlers must be idempotent. A failing handler is
 * retried with backoff on the same entries; nothing is acknowledged until it succeeds. Each acknowledged batch is
 * reported to the listener, named by the group ({@code persist}, {@code index}). A handled batch that its
 * acknowledgement finds no longer pending, in part or in full (its queue is gone, or a successor took the lease and
 * handled it too), goes to {@code unacknowledged}: only that reply tells, as this drainer may never read the shard
 * again to find the queue missing.
 */
final class ShardDrainer implements Runnable {
    static final Duration LEASE_TTL = Duration.ofSeconds(10);

    /**
     * After a read of new entries that got less than half of what it asked for, wait this long, so that a shard under a
     * steady trickle is drained in fuller batches: every batch costs a MySQL commit and an Elasticsearch bulk request
     * (each with its own log fsync) whatever its size, and under a steady load spread over all shards the batches
     * were a handful of entries each. Adds at most this much to the persistence lag; a full batch, pending entries and
     * a batch the byte limit cut never wait.
     */
    static final Duration LINGER = Duration.ofMillis(50);

    /**
     * The most bytes of entry fields one batch holds (a single larger entry alone): the count alone let a backlog of
     * long bodies (500 of 64 KB per read, two stages of eight shards reading at once) fill a worker's heap, which then
     * failed every batch and acknowledged nothing. Bodies of ordinary length come nowhere near it.
     */
    static final int MAX_BATCH_BYTES = 1 << 20;

    /** How long an idle drainer waits for a new entry before it reads through the fence again. */
    static final Duration IDLE_WAIT = Duration.ofMillis(500);

    private static final String CONSUMER = "lease-holder";
    private static final Logger log = LoggerFactory.getLogger(ShardDrainer.class);

    /** Processes one batch; throws to have the same entries retried. */
    interface Handler {
        void handle(List<StreamEntry> entries);
    }

    private final UnifiedJedis redis;
    private final int shard;
    private final String stream;
    private final String lease;
    private final String group;
    private final String owner;
    private final int batchSize;
    private final Handler handler;
    private final Runnable afterBatch;
    private final Runnable groupCreated;
    private final Acknowledgements acknowledgements;
    private final WorkerListener listener;
    private final Semaphore batchesInFlight;
    private volatile boolean running = true;

    private long leaseRenewedAt;
    private boolean holding;
    /** The lease was taken free while counted as held: read the consumer's pending entries first. */
    private boolean retaken;
    /** Entries the next read asks for: below the batch size after reads the byte limit cut, so few are read twice. */
    private int count;

    ShardDrainer(
            UnifiedJedis redis,
            RedisKeys keys,
            int shard,
            String group,
            String owner,
            int batchSize,
            Handler handler,
            Runnable afterBatch,
            Runnable groupCreated,
            Consumer<List<StreamEntry>> unacknowledged,
            WorkerListener listener,
            Semaphore batchesInFlight) {
        this.redis = redis;
        this.shard = shard;
        this.stream = keys.stream(shard);
        this.lease = keys.lease(shard, group);
        this.group = group;
        this.owner = owner;
        this.batchSize = batchSize;
        this.count = batchSize;
        this.handler = handler;
        this.afterBatch = afterBatch;
        this.groupCreated = groupCreated;
        this.acknowledgements = new Acknowledgements(redis, stream, group, unacknowledged);
        this.listener = listener;
        this.batchesInFlight = batchesInFlight;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        try {
            drain();
        } finally {
            release();
        }
    }

    private void drain() {
        boolean readPending = true;
        Backoff backoff = new Backoff();
        while (running) {
            try {
                if (!holdLease()) {
                    readPending = true;
                    sleep(Duration.ofSeconds(1));
                    continue;
                }
                int asked = count;
                // A permit from reading a batch to acknowledging it; never held while waiting for new entries.
                if (!awaitPermit()) { // stopping, or the lease lapsed meanwhile: the loop takes it again
                    readPending = true;
                    continue;
                }
                if (retaken) {
                    retaken = false;
                    readPending = true;
                }
                boolean pending = readPending;
                Optional<Handled> read;
                try {
                    read = readAndHandle(pending);
                } finally {
                    batchesInFlight.release();
                    acknowledgements.handOver(); // without the permit: indexing a batch may wait for Elasticsearch
                }
                if (read.isEmpty()) { // the lease was lost: the next holder re-reads what this one had read
                    holding = false;
                    readPending = true;
                    continue;
                }
                Handled batch = read.get();
                if (batch.cut()) {
                    readPending = true; // the rest of what was read waits among the consumer's pending entries
                    count = batch.entries();
                } else {
                    count = Math.min(batchSize, count * 2);
                }
                // Only new entries far fewer than asked for mean a trickle worth waiting for; pending ones and
                // batches cut by the byte limit mean more is there.
                boolean trickle = !pending && !batch.cut() && batch.entries() < asked / 2;
                if (batch.entries() == 0) {
                    readPending = false;
                    batch.idleAfter().ifPresent(this::awaitNewEntry);
                } else {
                    backoff.reset();
                }
                afterBatch.run();
                if (trickle && batch.entries() > 0) {
                    sleep(LINGER);
                }
            } catch (RuntimeException e) {
                readPending = true;
                Duration pause = backoff.next();
                log.warn("{} on {} failed, retrying in {} ms: {}", group, stream, pause.toMillis(), e.toString());
                sleep(pause);
            } catch (Error e) {
                // Out of memory in a large batch, say: a drainer that died would leave its shard undrained until the
                // process restarted (nothing restarts it, and the lease would lapse for nobody). Its entries stay
                // pending, and handlers are idempotent: read them again.
                readPending = true;
                Duration pause = backoff.next();
                log.error("{} on {} failed, retrying in {} ms", group, stream, pause.toMillis(), e);
                sleep(pause);
            }
        }
    }

    /**
     * A permit of {@code batchesInFlight}, renewing the lease while waiting for it (a wait behind slow batches may
     * outlast it); false when stopping, or when the lease could not be kept.
     */
    private boolean awaitPermit() {
        try {
            while (!batchesInFlight.tryAcquire(LEASE_TTL.toMillis() / 3, TimeUnit.MILLISECONDS)) {
                if (!running || !holdLease()) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (!running) {
            batchesInFlight.release();
            return false;
        }
        return true;
    }

    /**
     * Reads the next batch and, unless it is empty, handles and acknowledges it; empty when the lease was lost. Only
     * what the loop needs leaves it, so the entries are garbage once the permit is given back (but for a batch its
     * acknowledgement found no longer pending, kept for {@link Acknowledgements#handOver}).
     */
    private Optional<Handled> readAndHandle(boolean pending) {
        Optional<Batch> read = read(pending);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        List<StreamEntry> entries = read.get().entries();
        if (!entries.isEmpty()) {
            LeaseKeeper keeper = LeaseKeeper.start(redis, lease, owner, LEASE_TTL);
            try {
                handler.handle(entries);
            } finally {
                keeper.close();
                switch (keeper.outcome()) {
                    case KEPT -> {}
                    // Pending entries first once the lease is this worker's again: a successor may have left some.
                    case RETAKEN -> retaken = true;
                    case LOST -> {
                        holding = false;
                        retaken = true;
                    }
                }
            }
            acknowledgements.acknowledge(entries);
            listener.batchHandled(group, shard, lagMillis(entries, System.currentTimeMillis()));
        }
        return Optional.of(
                new Handled(entries.size(), read.get().cut(), read.get().idleAfter()));
    }

    /** What the loop keeps of a batch: how many entries, whether the byte limit cut it, where to wait idle after. */
    private record Handled(int entries, boolean cut, Optional<String> idleAfter) {}

    /** Waits up to {@link #IDLE_WAIT} for an entry after {@code lastId} (a plain {@code XREAD}, which takes nothing). */
    private void awaitNewEntry(String lastId) {
        redis.xread(
                XReadParams.xReadParams().count(1).block((int) IDLE_WAIT.toMillis()),
                Map.of(stream, new StreamEntryID(lastId)));
    }

    /**
     * How long each entry waited: a stream id starts with the Redis server's clock at {@code XADD}, when the write
     * was accepted. Clamped at 0, as the worker's clock may be slightly behind the server's.
     */
    static long[] lagMillis(List<StreamEntry> entries, long nowMillis) {
        long[] lag = new long[entries.size()];
        for (int i = 0; i < lag.length; i++) {
            lag[i] = Math.max(0, nowMillis - entries.get(i).getID().getTime());
        }
        return lag;
    }

    /**
     * The next batch: the consumer's pending entries (read again after taking the lease or a failure) or new ones,
     * read by {@link Scripts#FENCED_READ} only while this worker holds the lease; empty when the lease was lost. With
     * nothing new, an empty batch with the stream's last id, after which the caller waits for a new entry and then
     * reads again through the fence.
     */
    private Optional<Batch> read(boolean pending) {
        List<String> args = List.of(
                owner,
                Long.toString(LEASE_TTL.toMillis()),
                group,
                CONSUMER,
                Integer.toString(count),
                pending ? "0" : ">",
                Integer.toString(MAX_BATCH_BYTES));
        List<?> reply = (List<?>) Scripts.FENCED_READ.run(redis, List.of(lease, stream), args);
        long status = (Long) reply.get(0);
        if (status == 0) {
            return Optional.empty();
        }
        leaseRenewedAt = System.nanoTime();
        if (status == 2) {
            String error = String.valueOf(reply.get(1));
            if (!error.startsWith("NOGROUP")) {
                throw new JedisDataException(error);
            }
            createGroup();
            return Optional.of(new Batch(List.of(), false, Optional.empty()));
        }
        List<StreamEntry> entries = StreamEntries.fromReply((List<?>) reply.get(2));
        Optional<String> idleAfter =
                entries.isEmpty() && !pending ? Optional.of((String) reply.get(1)) : Optional.empty();
        return Optional.of(new Batch(entries, Long.valueOf(1).equals(reply.get(3)), idleAfter));
    }

    /**
     * What one read returned; {@code cut} when the byte limit left entries it had read among the pending ones;
     * {@code idleAfter}, when nothing new was there, the stream's last id to wait for a newer one after.
     */
    private record Batch(List<StreamEntry> entries, boolean cut, Optional<String> idleAfter) {}

    /**
     * Creates the group (and the stream) unless it exists. Finding it missing means a new deployment, or that Redis
     * lost its data and with it whatever was queued: {@code groupCreated} is told.
     */
    private void createGroup() {
        try {
            redis.xgroupCreate(stream, group, new StreamEntryID(0, 0), true);
        } catch (JedisDataException e) {
            if (!String.valueOf(e.getMessage()).startsWith("BUSYGROUP")) {
                throw e;
            }
            return;
        }
        log.info("{} had no group {}: created it (a new deployment, or Redis lost its data)", stream, group);
        groupCreated.run();
    }

    private boolean holdLease() {
        long now = System.nanoTime();
        if (holding && now - leaseRenewedAt < LEASE_TTL.toNanos() / 3) {
            return true;
        }
        Object reply = Scripts.LEASE.run(redis, List.of(lease), List.of(owner, Long.toString(LEASE_TTL.toMillis())));
        boolean taken = Long.valueOf(2).equals(reply);
        boolean held = taken || Long.valueOf(1).equals(reply);
        if (held && !holding) {
            // No XGROUP CREATE here: Redis refuses it at maxmemory (even for a group that exists), which would keep
            // every worker from draining what would free the memory. A read answered NOGROUP creates the group.
            log.debug("{} now drains {} for {}", owner, stream, group);
        } else if (taken) {
            // It lapsed while this worker still counted it as held (a batch outlasting it): a successor may have read
            // entries and died, leaving them pending. They come first, or they would wait behind newer ones.
            retaken = true;
        }
        holding = held;
        leaseRenewedAt = now;
        return held;
    }

    private void release() {
        try {
            Scripts.RELEASE.run(redis, List.of(lease), List.of(owner));
        } catch (RuntimeException e) {
            log.debug("could not release {}: {}", lease, e.toString());
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Exponential backoff from 100 ms to 5 s. */
    private static final class Backoff {
        private long millis;

        Duration next() {
            millis = millis == 0 ? 100 : Math.min(millis * 2, 5_000);
            return Duration.ofMillis(millis);
        }

        void reset() {
            millis = 0;
        }
    }
}
