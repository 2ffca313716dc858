package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.RedisMaxmemory;
import dev.chatsystem.core.testing.Services;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * A drainer reads only while it holds its shard's lease: one that lost it (paused past the lease, or Redis lost the
 * key) while its successor took over must not take entries the successor never sees, which would split one chat's
 * writes between two workers applying them in parallel.
 */
class ShardDrainerTest {
    private static final URI REDIS = Services.redisUrl().resolve("/6"); // this test's own database, flushed per test

    private final RedisKeys keys = new RedisKeys(1);
    private final List<StreamEntry> handled = new CopyOnWriteArrayList<>();
    private RedisClient redis;
    private Thread thread;
    private ShardDrainer drainer;

    /** A JVM killed inside {@link #aDrainerTakesAFreeLeaseAndDrainsWhileRedisIsAtMaxmemory} left Redis full. */
    @BeforeAll
    static void liftALeftoverMaxmemory() {
        RedisMaxmemory.undoLeftover(Services.requireRedis());
    }

    @BeforeEach
    void setUp() {
        Services.requireRedis();
        redis = RedisClient.create(REDIS);
        redis.flushDB();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (drainer != null) {
            drainer.stop();
            thread.join(Duration.ofSeconds(5));
        }
        redis.close();
    }

    @Test
    void aDrainerWhoseLeaseWasTakenReadsNothingMore() throws InterruptedException {
        start("first");
        append("1");
        awaitTrue(() -> handled.size() == 1);

        // The lease passes to another worker, as when this one paused longer than the lease.
        redis.set(keys.lease(0, StreamWorkers.PERSIST), "second");
        append("2");
        append("3");
        Thread.sleep(ShardDrainer.IDLE_WAIT.toMillis() * 3);

        assertThat(handled).extracting(entry -> entry.getFields().get("v")).containsExactly("1");
        // Still undelivered: the successor reads them with the group, in order.
        assertThat(redis.xpending(keys.stream(0), StreamWorkers.PERSIST).getTotal())
                .isZero();
        assertThat(redis.xreadGroup(
                                StreamWorkers.PERSIST,
                                "lease-holder",
                                XReadGroupParams.xReadGroupParams(),
                                Map.of(keys.stream(0), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY))
                        .get(0)
                        .getValue())
                .extracting(entry -> entry.getFields().get("v"))
                .containsExactly("2", "3");
    }

    @Test
    void aDrainerTakesTheLeaseBackWhenRedisLostItAndReadsOn() {
        start("first");
        append("1");
        awaitTrue(() -> handled.size() == 1);

        redis.del(keys.lease(0, StreamWorkers.PERSIST)); // as after FLUSHALL: nobody holds it
        append("2");

        awaitTrue(() -> handled.size() == 2);
        assertThat(redis.get(keys.lease(0, StreamWorkers.PERSIST))).isEqualTo("first");
    }

    @Test
    void batchesOfLongEntriesStopAtTheByteLimitAndTheRestFollowsInOrder() {
        String body = "x".repeat(300_000);
        for (int i = 0; i < 12; i++) {
            redis.xadd(keys.stream(0), XAddParams.xAddParams(), Map.of("v", Integer.toString(i), "b", body));
        }
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        start("first", entries -> {
            batchSizes.add(entries.size());
            handled.addAll(entries);
        });

        awaitTrue(() -> handled.size() >= 12);
        assertThat(handled)
                .extracting(entry -> entry.getFields().get("v"))
                .containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11");
        // 3 of 300 KB fit in 1 MB: every batch stays within it, however many the count allowed.
        assertThat(batchSizes).allSatisfy(size -> assertThat(size).isBetween(1, 3));
        awaitTrue(() -> redis.xpending(keys.stream(0), StreamWorkers.PERSIST).getTotal() == 0);
    }

    @Test
    void aSingleEntryAboveTheByteLimitStillPasses() {
        redis.xadd(keys.stream(0), XAddParams.xAddParams(), Map.of("v", "big", "b", "y".repeat(1_500_000)));
        append("small");
        start("first");

        awaitTrue(() -> handled.size() == 2);
        assertThat(handled).extracting(entry -> entry.getFields().get("v")).containsExactly("big", "small");
    }

    @Test
    void aReadGathersSeveralChunksUpToTheCountInStreamOrder() {
        int entries = Scripts.READ_CHUNK * 2 + 50;
        for (int i = 0; i < entries; i++) {
            append(Integer.toString(i));
        }
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        start("first", 1_000, batch -> {
            batchSizes.add(batch.size());
            handled.addAll(batch);
        });

        awaitTrue(() -> handled.size() >= entries);
        assertThat(batchSizes.getFirst()).isEqualTo(entries);
        assertThat(handled)
                .extracting(entry -> Integer.parseInt(entry.getFields().get("v")))
                .isSorted()
                .hasSize(entries);
    }

    private void start(String owner) {
        start(owner, handled::addAll);
    }

    @Test
    void aBatchFailingWithAnErrorIsReadAgainAndTheDrainerGoesOn() {
        AtomicInteger attempts = new AtomicInteger();
        start("first", entries -> {
            if (attempts.incrementAndGet() == 1) {
                throw new OutOfMemoryError("simulated: a batch too large for the heap");
            }
            handled.addAll(entries);
        });
        append("1");

        awaitTrue(() -> handled.size() == 1);
        append("2");
        awaitTrue(() -> handled.size() == 2);
        assertThat(handled).extracting(entry -> entry.getFields().get("v")).containsExactly("1", "2");
        awaitTrue(() -> redis.xpending(keys.stream(0), StreamWorkers.PERSIST).getTotal() == 0);
    }

    @Test
    void aDrainerTakesAFreeLeaseAndDrainsWhileRedisIsAtMaxmemory() {
        // A worker (re)starting while Redis is full: a drained queue is what frees the memory.
        redis.xgroupCreate(keys.stream(0), StreamWorkers.PERSIST, new StreamEntryID(0, 0), true);
        append("1");
        append("2");
        try (RedisMaxmemory full = RedisMaxmemory.full(redis)) { // every command that may grow memory is refused
            assertThatThrownBy(() -> redis.set("probe", "x"))
                    .isInstanceOf(JedisDataException.class)
                    .hasMessageContaining("OOM");
            start("first");

            awaitTrue(() -> handled.size() == 2);
            awaitTrue(
                    () -> redis.xpending(keys.stream(0), StreamWorkers.PERSIST).getTotal() == 0);
        }
    }

    @Test
    void drainersSharingPermitsHandleNoMoreBatchesAtOnceThanThereArePermits() throws InterruptedException {
        RedisKeys fourShards = new RedisKeys(4);
        Semaphore permits = new Semaphore(2, true); // fair, as StreamWorkers makes it
        AtomicInteger handling = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger entries = new AtomicInteger();
        List<ShardDrainer> drainers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int shard = 0; shard < 4; shard++) {
            drainers.add(drainer(
                    fourShards,
                    shard,
                    "bounded",
                    5,
                    batch -> {
                        mostAtOnce.accumulateAndGet(handling.incrementAndGet(), Math::max);
                        sleepQuietly(Duration.ofMillis(20)); // long enough for every drainer to try at once
                        entries.addAndGet(batch.size());
                        handling.decrementAndGet();
                    },
                    permits));
        }
        drainers.forEach(d -> threads.add(Thread.ofVirtual().start(d)));
        // Appended while every drainer runs, some of them waiting idle for entries: 4 batches per shard.
        Thread.sleep(ShardDrainer.IDLE_WAIT.toMillis());
        for (int shard = 0; shard < 4; shard++) {
            for (int i = 0; i < 20; i++) {
                redis.xadd(fourShards.stream(shard), XAddParams.xAddParams(), Map.of("v", shard + "-" + i));
            }
        }
        try {
            awaitTrue(() -> entries.get() == 80);
        } finally {
            drainers.forEach(ShardDrainer::stop);
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(5));
            }
        }

        assertThat(mostAtOnce.get()).isEqualTo(2);
        assertThat(permits.availablePermits()).isEqualTo(2); // every permit given back
    }

    @Test
    void anIdleDrainerWaitsForNewEntriesWithoutHoldingAPermit() throws InterruptedException {
        Semaphore permits = new Semaphore(1, true);
        drainer = drainer(keys, 0, "idle", 10, handled::addAll, permits);
        thread = Thread.ofVirtual().start(drainer);
        Thread.sleep(ShardDrainer.IDLE_WAIT.toMillis()); // past its first reads, waiting on an empty stream

        int free = 0;
        for (int i = 0; i < 50; i++) {
            free += permits.availablePermits();
            Thread.sleep(20);
        }

        // Held only for the reads through the fence, not for the IDLE_WAIT blocks between them.
        assertThat(free).isGreaterThanOrEqualTo(40);
        append("1");
        awaitTrue(() -> handled.size() == 1);
    }

    @Test
    void aBatchNoLongerPendingIsHandedOverAfterItsPermitIsGivenBack() throws InterruptedException {
        Semaphore permits = new Semaphore(1, true);
        CountDownLatch handedOver = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        AtomicInteger freeMeanwhile = new AtomicInteger(-1);
        List<StreamEntry> orphaned = new CopyOnWriteArrayList<>();
        drainer = drainer(
                keys,
                0,
                "orphans",
                10,
                // Acknowledged under it, as when a successor took the shard over and handled the batch too.
                batch -> redis.xack(
                        keys.stream(0),
                        StreamWorkers.PERSIST,
                        batch.stream().map(StreamEntry::getID).toArray(StreamEntryID[]::new)),
                permits,
                batch -> { // indexing it waits for Elasticsearch, which may hang for its 30 s timeout
                    orphaned.addAll(batch);
                    freeMeanwhile.set(permits.availablePermits());
                    handedOver.countDown();
                    try {
                        letGo.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        thread = Thread.ofVirtual().start(drainer);
        append("1");
        try {
            assertThat(handedOver.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(orphaned).extracting(entry -> entry.getFields().get("v")).containsExactly("1");
            assertThat(freeMeanwhile.get())
                    .as("the persist permit, while the batch is handed over")
                    .isEqualTo(1);
        } finally {
            letGo.countDown();
        }
    }

    @Test
    void aDrainerWaitingForAPermitKeepsItsLease() throws InterruptedException {
        RedisKeys twoShards = new RedisKeys(2);
        Semaphore permits = new Semaphore(1, true);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        List<StreamEntry> waited = new CopyOnWriteArrayList<>();
        ShardDrainer slow = drainer(
                twoShards,
                0,
                "slow",
                10,
                batch -> {
                    holding.countDown();
                    try {
                        letGo.await(); // holds the only permit, as a batch stuck in a slow backend does
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                permits);
        ShardDrainer waiting = drainer(twoShards, 1, "waiting", 10, waited::addAll, permits);
        Thread slowThread = Thread.ofVirtual().start(slow);
        redis.xadd(twoShards.stream(0), XAddParams.xAddParams(), Map.of("v", "slow"));
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        Thread waitingThread = Thread.ofVirtual().start(waiting);
        redis.xadd(twoShards.stream(1), XAddParams.xAddParams(), Map.of("v", "waits"));
        try {
            // Past the lease's TTL with no permit to read: renewed all along, so no other worker could take over.
            Thread.sleep(ShardDrainer.LEASE_TTL.toMillis() + 1_500);
            assertThat(redis.get(twoShards.lease(1, StreamWorkers.PERSIST))).isEqualTo("waiting");
            assertThat(waited).isEmpty();
        } finally {
            letGo.countDown();
        }
        awaitTrue(() -> waited.size() == 1);
        slow.stop();
        waiting.stop();
        slowThread.join(Duration.ofSeconds(5));
        waitingThread.join(Duration.ofSeconds(5));
    }

    /** A slow batch (MySQL waiting on locks, say) must not hand the shard to a worker that would apply it again. */
    @Test
    void aBatchOutlastingTheLeaseKeepsItSoNoOtherWorkerTakesTheShardOver() throws InterruptedException {
        CountDownLatch inBatch = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        start("slow", batch -> {
            inBatch.countDown();
            try {
                letGo.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            handled.addAll(batch);
        });
        append("1");
        assertThat(inBatch.await(10, TimeUnit.SECONDS)).isTrue();
        List<StreamEntry> other = new CopyOnWriteArrayList<>();
        ShardDrainer second = drainer(keys, 0, "second", 10, other::addAll, new Semaphore(1));
        Thread secondThread = Thread.ofVirtual().start(second);
        try {
            Thread.sleep(ShardDrainer.LEASE_TTL.toMillis() + 1_500);
            assertThat(redis.get(keys.lease(0, StreamWorkers.PERSIST))).isEqualTo("slow");
        } finally {
            letGo.countDown();
        }
        append("2");

        awaitTrue(() -> handled.size() == 2);
        assertThat(handled).extracting(entry -> entry.getFields().get("v")).containsExactly("1", "2");
        assertThat(other).isEmpty();
        second.stop();
        secondThread.join(Duration.ofSeconds(5));
    }

    @Test
    void aLeaseTakenFreeWhileCountedAsHeldReadsWhatASuccessorLeftPendingFirst() throws InterruptedException {
        CountDownLatch inFirstBatch = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        start("first", batch -> {
            if (batch.getFirst().getFields().get("v").equals("1")) {
                inFirstBatch.countDown();
                try {
                    letGo.await(); // a batch outlasting the lease
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            handled.addAll(batch);
        });
        append("1");
        assertThat(inFirstBatch.await(10, TimeUnit.SECONDS)).isTrue();

        // Meanwhile its lease lapsed, a successor took it, read an entry and died, and its lease lapsed too.
        redis.del(keys.lease(0, StreamWorkers.PERSIST));
        append("2");
        assertThat(redis.xreadGroup(
                                StreamWorkers.PERSIST,
                                "lease-holder",
                                XReadGroupParams.xReadGroupParams().count(1),
                                Map.of(keys.stream(0), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY))
                        .get(0)
                        .getValue())
                .hasSize(1);
        append("3");
        Thread.sleep(ShardDrainer.LEASE_TTL.toMillis() / 3 + 200); // its next look at the lease renews it
        letGo.countDown();

        // It finds the lease free and takes it: the pending entry comes before the new one, and none stays pending.
        awaitTrue(() -> handled.size() == 3);
        assertThat(handled).extracting(entry -> entry.getFields().get("v")).containsExactly("1", "2", "3");
        awaitTrue(() -> redis.xpending(keys.stream(0), StreamWorkers.PERSIST).getTotal() == 0);
    }

    private static void sleepQuietly(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void start(String owner, ShardDrainer.Handler handler) {
        start(owner, 10, handler);
    }

    private void start(String owner, int batchSize, ShardDrainer.Handler handler) {
        drainer = drainer(keys, 0, owner, batchSize, handler, new Semaphore(1));
        thread = Thread.ofVirtual().start(drainer);
    }

    private ShardDrainer drainer(
            RedisKeys keys, int shard, String owner, int batchSize, ShardDrainer.Handler handler, Semaphore inFlight) {
        return drainer(keys, shard, owner, batchSize, handler, inFlight, entries -> {});
    }

    private ShardDrainer drainer(
            RedisKeys keys,
            int shard,
            String owner,
            int batchSize,
            ShardDrainer.Handler handler,
            Semaphore inFlight,
            Consumer<List<StreamEntry>> unacknowledged) {
        return new ShardDrainer(
                redis,
                keys,
                shard,
                StreamWorkers.PERSIST,
                owner,
                batchSize,
                handler,
                () -> {},
                () -> {},
                unacknowledged,
                WorkerListener.NONE,
                inFlight);
    }

    private void append(String value) {
        redis.xadd(keys.stream(0), XAddParams.xAddParams(), Map.of("v", value));
    }

    private static void awaitTrue(BooleanSupplier condition) {
        Await.until(condition, Duration.ofSeconds(10));
    }
}
