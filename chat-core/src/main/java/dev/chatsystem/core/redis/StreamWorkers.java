package dev.chatsystem.core.redis;

import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Displaced;
import dev.chatsystem.core.spi.ExpiredKeyPurge;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.spi.Write;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The workers of one process: for every shard, one drainer that persists to the store and one that indexes, each
 * running only while this process holds that shard's lease. Persisting and indexing are separate consumer groups,
 * so a failing or slow index never holds back persistence; the index catches up from its own pending entries.
 */
final class StreamWorkers implements AutoCloseable {
    static final String PERSIST = QueueBacklog.PERSIST;
    static final String INDEX = QueueBacklog.INDEX;
    private static final Duration TRIM_EVERY = Duration.ofSeconds(2);
    private static final Duration PURGE_EVERY = Duration.ofMinutes(10);
    /** How long a stop waits for every drainer's batch in all. */
    static final Duration STOP_WITHIN = Duration.ofSeconds(15);
    /**
     * Batches of one consumer group read and not yet acknowledged at once, over every shard this process drains. With
     * each of the sixteen drainers holding one (a batch of 2,000 entries is some 5 MB of heap while its rows and its
     * bulk body are built), a worker draining a backlog kept 84-107 MB live: with a 192 MB heap a full collection
     * every half second, the collector 44 % of the worker's CPU (bench/HISTORY.md, fifteenth session). Two cores
     * gain nothing from more. A pool per group, so a slow Elasticsearch never holds back MySQL.
     */
    static final int BATCHES_IN_FLIGHT = 2;

    private static final Logger log = LoggerFactory.getLogger(StreamWorkers.class);

    private final List<ShardDrainer> drainers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final IndexCatchUp catchUp;

    StreamWorkers(
            UnifiedJedis redis,
            RedisKeys keys,
            ChatStore store,
            RedisWritePath writes,
            SearchIndex index,
            int batchSize,
            String owner,
            Duration keyRetention,
            WorkerListener listener) {
        // Whoever drains shard 0 into the store also purges expired idempotency keys of applications: exactly one
        // instance at a time, since it holds that lease.
        catchUp = new IndexCatchUp(
                store,
                index,
                CatchUpMarker.inRedis(redis, keys),
                new RedisJobLock(redis, keys, owner, RedisJobLock.TTL));
        // Fair: no shard waits behind another one's next batch.
        Semaphore persisting = new Semaphore(BATCHES_IN_FLIGHT, true);
        Semaphore indexing = new Semaphore(BATCHES_IN_FLIGHT, true);
        ExpiredKeyPurge keyPurge = new ExpiredKeyPurge(store, keyRetention, PURGE_EVERY); // a chunk per batch
        DisplacedCreates displaced = new DisplacedCreates(redis, keys, store, writes, index);
        OrphanedBatchIndexer orphaned = new OrphanedBatchIndexer(index(index), catchUp::request);
        for (int shard = 0; shard < keys.shards(); shard++) {
            StreamTrimmer trimmer = new StreamTrimmer(redis, keys.stream(shard), 2);
            Runnable trimPeriodically = every(TRIM_EVERY, trimmer::trim);
            // Carried by a batch once a second while batches flow; recorded on its own after a pause, so that the
            // last batch before it is recorded too.
            PersistedMark mark = new PersistedMark(redis, keys, store, shard, System::nanoTime);
            Runnable housekeeping = shard == 0
                    ? () -> {
                        mark.recordIfIdle();
                        trimPeriodically.run();
                        keyPurge.step();
                    }
                    : () -> {
                        mark.recordIfIdle();
                        trimPeriodically.run();
                    };
            drainers.add(new ShardDrainer(
                    redis,
                    keys,
                    shard,
                    PERSIST,
                    owner,
                    batchSize,
                    persist(redis, keys, store, displaced, mark),
                    housekeeping,
                    // What was queued is gone (the drill "Redis FLUSHDB" measures that window). A batch read from it
                    // that committed after the index drainer's pass read where the store ends (held by lock waits,
                    // or retried with new ids) is indexed by the drainer that stored it, whose acknowledgement finds
                    // it no longer pending (it may not hold this lease any more, so it may never come here).
                    () -> {},
                    orphaned,
                    listener,
                    persisting));
            drainers.add(new ShardDrainer(
                    redis,
                    keys,
                    shard,
                    INDEX,
                    owner,
                    batchSize,
                    index(index),
                    () -> {},
                    catchUp::request, // stored messages whose index entries were lost with the queue
                    entries -> {}, // indexed all the same
                    listener,
                    indexing));
        }
        // Virtual threads: in role all they share the carriers with the requests. Platform threads were tried: with
        // one busy shard the requests got more of the CPU, but with every shard busy sixteen runnable drainers
        // outweighed the two carriers (bench/HISTORY.md, ninth session).
        for (ShardDrainer drainer : drainers) {
            threads.add(Thread.ofVirtual().name("chat-worker").start(drainer));
        }
        log.info("queue workers started as {} over {} shards", owner, keys.shards());
    }

    /**
     * Stores a batch (idempotently), queues again what it found displaced, notes how far the shard is stored, then
     * forgets its read-your-writes entries unless a newer write replaced them.
     */
    private static ShardDrainer.Handler persist(
            UnifiedJedis redis,
            RedisKeys keys,
            ChatStore store,
            DisplacedCreates displacedCreates,
            PersistedMark mark) {
        return entries -> {
            List<Write> writes = new ArrayList<>(entries.size());
            Map<String, Integer> keyIndex = new LinkedHashMap<>();
            List<String> forgetArgs = new ArrayList<>();
            for (StreamEntry entry : entries) {
                Optional<Write> write = StreamEntries.write(entry.getID(), entry.getFields());
                if (write.isEmpty()) {
                    continue;
                }
                writes.add(write.get());
                // From the stream's shard, not the token: a writer with another shard count (Redis flushed and
                // its count recorded first) queued it here, with its pending value under this shard's tag.
                String pending = keys.pending(mark.shard(), write.get().token());
                int index = keyIndex.computeIfAbsent(pending, k -> keyIndex.size() + 1);
                forgetArgs.add(Integer.toString(index));
                forgetArgs.add(StreamEntries.pendingField(write.get()));
                forgetArgs.add(entry.getID().toString());
            }
            if (writes.isEmpty()) {
                mark.stored(entries, OptionalLong.empty());
                return;
            }
            OptionalLong marked = mark.beforeBatch(entries);
            Displaced displaced = marked.isPresent()
                    ? store.apply(writes, mark.shard(), marked.getAsLong())
                    : store.apply(writes, mark.shard());
            if (!displaced.isEmpty()) {
                displacedCreates.repair(displaced);
            }
            mark.stored(entries, marked);
            Scripts.FORGET_PERSISTED.run(redis, List.copyOf(keyIndex.keySet()), forgetArgs);
        };
    }

    private static ShardDrainer.Handler index(SearchIndex index) {
        return entries -> {
            List<IndexedMessage> documents = new ArrayList<>();
            for (StreamEntry entry : entries) {
                StreamEntries.write(entry.getID(), entry.getFields())
                        .flatMap(StreamEntries::indexed)
                        .ifPresent(documents::add);
            }
            if (!documents.isEmpty()) {
                // No refresh awaited: the lag this batch reports ends here, searchable follows at the next refresh.
                index.indexInBackground(documents);
            }
        };
    }

    private static Runnable every(Duration period, Runnable action) {
        long[] last = {0};
        return () -> {
            long now = System.nanoTime();
            if (now - last[0] >= period.toNanos()) {
                last[0] = now;
                action.run();
            }
        };
    }

    /**
     * Lets every drainer finish its batch, then gives the leases back so another instance takes over at once. Waits
     * {@link #STOP_WITHIN} for them all, not for each: sixteen drainers stuck on a hung backend held a stop for eight
     * minutes, far past any orchestrator's grace period. A batch not finished by then stays pending for the next
     * holder of its lease.
     *
     * <p>The drainers are told to stop before the index catch-up is waited for (up to ten seconds while a pass
     * finishes its batch): drainers still running meanwhile would start new batches, which the orchestrator's kill
     * then cuts off.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + STOP_WITHIN.toNanos();
        drainers.forEach(ShardDrainer::stop);
        catchUp.close();
        for (Thread thread : threads) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !thread.join(Duration.ofNanos(left))) {
                    log.warn(
                            "queue workers still busy after {} s: their batches stay pending for the next worker",
                            STOP_WITHIN.toSeconds());
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
