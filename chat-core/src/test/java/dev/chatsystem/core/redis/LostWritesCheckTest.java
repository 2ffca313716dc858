package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.NotFoundException;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.mysql.MySqlChatStore;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.JobLock;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.InterceptedStore;
import dev.chatsystem.core.testing.LosableJobLock;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import dev.chatsystem.core.testing.RedisDatabase;
import dev.chatsystem.core.testing.Services;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.RestoreParams;

/**
 * Redis comes back behind MySQL (restored from an older snapshot): its counters would give numbers MySQL holds. The
 * check finds it from the persisted marks, refuses creates and edits until it is reseeded, and the numbering goes on
 * past MySQL's. Real Redis and MariaDB; the check is run by the test.
 */
class LostWritesCheckTest {
    private static final Instant AT = Instant.now().truncatedTo(ChronoUnit.MICROS);
    private static final Duration WITHIN = Duration.ofSeconds(30);

    @RegisterExtension
    final RedisDatabase redisDatabase = new RedisDatabase(2); // a database of its own, flushed around each test

    @TempDir
    Path dataDir;

    private MySqlTestDatabase database;
    private MySqlChatStore store;
    private SearchIndex index;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp() {
        Services.requireMysql();
        database = MySqlTestDatabase.create();
        store = database.open();
        index = LuceneSearchIndex.open(dataDir.resolve("index"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
        index.close();
        store.close();
        database.close();
    }

    @Test
    void aRedisRestoredBehindTheStoreRefusesWritesUntilItIsReseededPastTheStore() throws Exception {
        RedisClient redis = redisDatabase.client();
        Setup setup = setUp(redis, new RedisKeys(1));
        RedisWritePath writes = setup.writes();
        String token = application(writes);
        writes.createChat(token, AT);
        for (int i = 1; i <= 3; i++) {
            writes.createMessage(token, 1, "before the snapshot " + i, AT);
        }
        workers(redis, setup);
        awaitMarked(redis, setup.keys());
        Map<String, Snapshot> snapshot = snapshot(redis);

        writes.createChat(token, AT);
        writes.createMessage(token, 1, "after the snapshot 4", AT);
        writes.createMessage(token, 1, "after the snapshot 5", AT);
        writes.createMessage(token, 2, "after the snapshot, chat 2", AT);
        Await.until(() -> store.countMessages(Optional.of(token)) == 6, WITHIN);
        awaitMarked(redis, setup.keys());

        restore(redis, snapshot); // Redis is back where it was before chat 2 and messages 4 and 5
        assertThat(writes.lastMessageNumber(token, 1)).isEqualTo(3);
        // A write accepted before the check takes a stream id past every stored one: the stream ids cannot tell.
        String other = application(writes);
        writes.createChat(other, AT);
        Await.until(() -> store.maxChatNumber(other) == 1, WITHIN);
        Thread.sleep(PersistedMark.RECORD_EVERY.plusMillis(1_000)); // its drainer tried to raise the mark
        assertThat(StreamEntries.version(QueueDepth.lastId(redis, setup.keys().stream(0))))
                .isGreaterThan(store.persistedMarks().get(0));

        try (JobLock.Held another = new RedisJobLock(redis, setup.keys(), "another process", RedisJobLock.TTL)
                .tryLock(LostWritesCheck.RESEED_JOB)
                .orElseThrow()) {
            setup.check().check(); // finds the loss; the other process holds the reseed
            assertThatThrownBy(() -> writes.createChat(token, AT))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("Redis is behind the store");
            assertThatThrownBy(() -> writes.createMessage(token, 1, "refused", AT))
                    .isInstanceOf(BackendUnavailableException.class);
            assertThatThrownBy(() -> writes.editMessage(token, 1, 1, "refused", AT))
                    .isInstanceOf(BackendUnavailableException.class);
            assertThat(writes.health().up()).isFalse();
        }

        setup.check().check(); // the lock is free: this process reseeds
        assertThat(setup.check().behind()).isNull();
        assertThat(writes.health().up()).isTrue();
        assertThat(writes.createChat(token, AT)).isEqualTo(3);
        assertThat(writes.createMessage(token, 1, "after the reseed", AT)).isEqualTo(6);
        assertThat(writes.createMessage(token, 2, "after the reseed, chat 2", AT))
                .isEqualTo(2);
        Await.until(() -> store.countMessages(Optional.of(token)) == 8, WITHIN);
        assertThat(store.messages(token, 1, 0, 100))
                .extracting(Message::body)
                .as("nothing stored was displaced")
                .containsExactly(
                        "before the snapshot 1",
                        "before the snapshot 2",
                        "before the snapshot 3",
                        "after the snapshot 4",
                        "after the snapshot 5",
                        "after the reseed");
        assertThat(store.messages(token, 2, 0, 100))
                .extracting(Message::body)
                .containsExactly("after the snapshot, chat 2", "after the reseed, chat 2");
        setup.check().check();
        assertThat(setup.check().behind()).isNull();
    }

    /**
     * A restore loses the index entries of messages persisted but not yet indexed (the index group trails the persist
     * group while Elasticsearch is slow or down) and brings the index group back at a position before them, so no
     * drainer finds its group missing: the reseed records the catch-up pass owed, which a worker runs.
     */
    @Test
    void aRestoreThatLostIndexEntriesOfStoredMessagesGetsThemIndexedAgain() throws Exception {
        RedisClient redis = redisDatabase.client();
        Setup setup = setUp(redis, new RedisKeys(1));
        RedisWritePath writes = setup.writes();
        String token = application(writes);
        writes.createChat(token, AT);
        writes.createMessage(token, 1, "indexed before the snapshot", AT);
        AtomicBoolean indexDown = new AtomicBoolean();
        StreamWorkers before = newWorkers(redis, setup, failingWhile(indexDown));
        awaitMarked(redis, setup.keys());
        Await.until(() -> index.search(token, 1, "before", 10).equals(List.of(1L)), WITHIN);
        // The pass the new queue's groups asked for is over: the snapshot holds none owed, nor the pass's lock, which
        // its worker releases just after clearing the record: restored, it would hold off the next pass for its TTL.
        Await.until(
                () -> !redis.exists(setup.keys().catchUp())
                        && !redis.exists(setup.keys().lock(IndexCatchUp.JOB)),
                WITHIN);
        Map<String, Snapshot> snapshot = snapshot(redis);

        indexDown.set(true);
        writes.createMessage(token, 1, "stored but never indexed", AT);
        Await.until(() -> store.countMessages(Optional.of(token)) == 2, WITHIN);
        awaitMarked(redis, setup.keys());
        // Restored with the workers stopped, as a restart from an older snapshot does: the restore empties the
        // database first, and a drainer reading meanwhile would find its group missing and ask for a pass itself.
        before.close();
        restore(redis, snapshot); // the entry of message 2 is gone, and the index group is back before it
        workers(redis, setup);

        setup.check().check(); // finds the loss and reseeds
        assertThat(setup.check().behind()).isNull();
        Await.until(() -> index.search(token, 1, "never", 10).equals(List.of(2L)), WITHIN);
    }

    /**
     * Redis loses its last second unnoticed (the marks still agree): the chat counter is back below chat 2, which the
     * store holds, and chat 2's message counter is gone. Creates and edits into chat 2 raise the counters from the
     * store instead of answering 404; a chat the store does not hold is still not found.
     */
    @Test
    void anUnnoticedLossBelowAStoredChatIsRepairedFromTheStore() throws Exception {
        RedisClient redis = redisDatabase.client();
        Setup setup = setUp(redis, new RedisKeys(1));
        RedisWritePath writes = setup.writes();
        String token = application(writes);
        writes.createChat(token, AT);
        writes.createChat(token, AT);
        writes.createMessage(token, 2, "stored in chat 2", AT);
        try (StreamWorkers before = newWorkers(redis, setup, index)) {
            Await.until(() -> store.maxMessageNumber(token, 2) == 1, WITHIN);
            awaitMarked(redis, setup.keys());
        }

        loseChat2(redis, setup.keys(), token);
        setup.check().check();
        assertThat(setup.check().behind())
                .as("the loss is too small to be found")
                .isNull();
        assertThat(writes.createMessage(token, 2, "created after the loss", AT)).isEqualTo(2);

        loseChat2(redis, setup.keys(), token);
        writes.editMessage(token, 2, 1, "edited after the loss", AT.plusMillis(1));

        loseChat2(redis, setup.keys(), token);
        assertThat(writes.hasChat(token, 2)).isTrue();
        assertThat(writes.lastMessageNumber(token, 2)).isEqualTo(2);

        assertThatThrownBy(() -> writes.createMessage(token, 3, "into a chat nobody created", AT))
                .isInstanceOf(NotFoundException.class);
        assertThat(writes.hasChat(token, 3)).isFalse();
        assertThat(redis.hget(setup.keys().counters(token), "c"))
                .as("raised to the store's chats, never past them")
                .isEqualTo("2");
        workers(redis, setup);
        Await.until(() -> store.countMessages(Optional.of(token)) == 2, WITHIN);
        assertThat(store.messages(token, 2, 0, 10))
                .extracting(Message::body)
                .containsExactly("edited after the loss", "created after the loss");
    }

    /** The message counter is back below a stored message: an edit of it raises the counter from the store. */
    @Test
    void anUnnoticedLossBelowAStoredMessageStillLetsItBeEdited() throws Exception {
        RedisClient redis = redisDatabase.client();
        Setup setup = setUp(redis, new RedisKeys(1));
        RedisWritePath writes = setup.writes();
        String token = application(writes);
        writes.createChat(token, AT);
        for (int i = 1; i <= 3; i++) {
            writes.createMessage(token, 1, "stored " + i, AT);
        }
        try (StreamWorkers before = newWorkers(redis, setup, index)) {
            Await.until(() -> store.maxMessageNumber(token, 1) == 3, WITHIN);
            awaitMarked(redis, setup.keys());
        }

        redis.hset(setup.keys().counters(token), "m:1", "1"); // messages 2 and 3 lost from the counter
        writes.editMessage(token, 1, 3, "edited after the loss", AT.plusMillis(1));
        assertThat(writes.lastMessageNumber(token, 1)).isEqualTo(3);

        redis.hset(setup.keys().counters(token), "m:1", "1");
        assertThat(writes.hasMessage(token, 1, 2)).isTrue();
        assertThat(writes.hasMessage(token, 1, 4)).isFalse();
        assertThatThrownBy(() -> writes.editMessage(token, 1, 4, "never created", AT))
                .isInstanceOf(NotFoundException.class);
        workers(redis, setup);
        Await.until(() -> store.message(token, 1, 3).orElseThrow().body().equals("edited after the loss"), WITHIN);
    }

    /** Redis back to just after chat 1: chat 2's create and its message counter lost, the marks untouched. */
    private static void loseChat2(RedisClient redis, RedisKeys keys, String token) {
        redis.hset(keys.counters(token), "c", "1");
        redis.hdel(keys.counters(token), "m:2");
    }

    /** Redis' copy of each mark is raised before the store's, so no load of creates and edits looks like a loss. */
    @Test
    void normalOperationIsNeverFoundBehind() throws Exception {
        RedisClient redis = redisDatabase.client();
        Setup setup = setUp(redis, new RedisKeys(4));
        RedisWritePath writes = setup.writes();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String token = application(writes);
            writes.createChat(token, AT);
            tokens.add(token);
        }
        workers(redis, setup);
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong created = new AtomicLong();
        List<Thread> load = new ArrayList<>();
        try {
            for (String token : tokens) {
                load.add(Thread.ofPlatform().start(() -> {
                    try {
                        while (loading.get()) {
                            long number = writes.createMessage(token, 1, "m", AT);
                            writes.editMessage(token, 1, number, "edited", AT);
                            created.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < until) {
                setup.check().check();
                assertThat(setup.check().behind()).isNull();
                Thread.sleep(20);
            }
        } finally { // also when a check failed: the writers must not go on into the tests after this one
            loading.set(false);
            for (Thread thread : load) {
                assertThat(thread.join(WITHIN)).as("a writer stopped").isTrue();
            }
        }
        assertThat(failure.get()).isNull();
        assertThat(created.get()).as("messages created meanwhile").isPositive();
        Await.until(() -> store.countMessages(Optional.empty()) == created.get(), WITHIN);
        awaitMarked(redis, setup.keys());
        setup.check().check();
        assertThat(setup.check().behind()).isNull();
        assertThat(store.persistedMarks()).hasSizeGreaterThan(1);
    }

    /** An admin tool's exit would cut a reseed short: it refuses, and leaves the reseed to the servers. */
    @Test
    void aProcessThatDoesNotMaintainRedisRefusesButDoesNotReseed() {
        RedisClient redis = redisDatabase.client();
        RedisKeys keys = new RedisKeys(1);
        SharedPipeline pipeline = new SharedPipeline(redis, 1, Duration.ofSeconds(5));
        open.add(pipeline);
        LostWritesCheck check = LostWritesCheck.checkedByCaller(
                redis,
                keys,
                store,
                new CounterRecovery(pipeline, keys, store, CatchUpMarker.inRedis(redis, keys)),
                new RedisJobLock(redis, keys, "admin tool", RedisJobLock.TTL),
                false);
        store.markPersisted(0, StreamEntries.version(new StreamEntryID(1_000, 0))); // Redis holds no mark: lost

        check.check();

        assertThat(check.behind()).isNotNull();
        assertThat(redis.exists(keys.lock(LostWritesCheck.RESEED_JOB))).isFalse();
        assertThat(redis.get(keys.persisted(0))).isNull();
    }

    /** Creates need only Redis: a MySQL outage must not keep a refusal another process's reseed has ended. */
    @Test
    void whileTheStoreCannotBeReadTheMarksReadLastStillTell() throws Exception {
        RedisClient redis = redisDatabase.client();
        RedisKeys keys = new RedisKeys(1);
        SharedPipeline pipeline = new SharedPipeline(redis, 1, Duration.ofSeconds(5));
        open.add(pipeline);
        AtomicBoolean down = new AtomicBoolean();
        ChatStore failing = InterceptedStore.around(store, (method, args, real) -> {
            if (down.get()) {
                throw new BackendUnavailableException("mysql store is down");
            }
            return real.proceed();
        });
        LostWritesCheck check = LostWritesCheck.checkedByCaller(
                redis,
                keys,
                failing,
                new CounterRecovery(pipeline, keys, failing, CatchUpMarker.inRedis(redis, keys)),
                new RedisJobLock(redis, keys, "this process", RedisJobLock.TTL),
                true);
        StreamEntryID stored = new StreamEntryID(1_000, 0);
        store.markPersisted(0, StreamEntries.version(stored));
        try (JobLock.Held another = new RedisJobLock(redis, keys, "another process", RedisJobLock.TTL)
                .tryLock(LostWritesCheck.RESEED_JOB)
                .orElseThrow()) {
            check.check();
            assertThat(check.behind()).isNotNull();
            redis.set(keys.persisted(0), stored.toString()); // the other process reseeded
        }

        down.set(true);
        check.check();

        assertThat(check.behind()).isNull();
    }

    /** Another process may reseed once the lock is lost, and Redis may have lost it with its data again. */
    @Test
    void aReseedWhoseLockIsLostRaisesNoMarkAndRunsAgain() {
        RedisClient redis = redisDatabase.client();
        RedisKeys keys = new RedisKeys(1);
        SharedPipeline pipeline = new SharedPipeline(redis, 1, Duration.ofSeconds(5));
        open.add(pipeline);
        LosableJobLock losing = new LosableJobLock();
        losing.lost(true);
        LostWritesCheck check = LostWritesCheck.checkedByCaller(
                redis,
                keys,
                store,
                new CounterRecovery(pipeline, keys, store, CatchUpMarker.inRedis(redis, keys)),
                losing,
                true);
        store.markPersisted(0, StreamEntries.version(new StreamEntryID(1_000, 0))); // Redis holds no mark: lost

        assertThatThrownBy(check::check)
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("lost its job lock");
        assertThat(check.behind()).isNotNull();
        assertThat(redis.get(keys.persisted(0))).isNull();

        losing.lost(false);
        check.check();
        assertThat(check.behind()).isNull();
    }

    /**
     * Redis loses its data again while a reseed walks the store: the counters and stream ids it raised before are gone,
     * so it must not raise the marks at its end, which would hide that. The check finds Redis behind still, reseeds
     * again, and the numbering goes on past the store's.
     */
    @Test
    void aLossWhileAReseedWalksKeepsRedisBehindUntilItIsReseededAgain() {
        RedisClient redis = redisDatabase.client();
        RedisKeys keys = new RedisKeys(1);
        long version = StreamEntries.version(new StreamEntryID(System.currentTimeMillis() + 60_000, 0));
        List<String> tokens = List.of("t" + System.nanoTime() + "a", "t" + System.nanoTime() + "b");
        for (String token : tokens) {
            store.createApplication(token, "app", AT);
            store.apply(List.of(
                    new Write.ChatCreated(token, 1, AT),
                    new Write.MessageCreated(token, 1, 1, "stored 1", AT, version - 1),
                    new Write.MessageCreated(token, 1, 2, "stored 2", AT, version)));
        }
        store.markPersisted(0, version); // Redis holds no mark: lost
        AtomicBoolean flushOnce = new AtomicBoolean(true);
        ChatStore flushing = InterceptedStore.around(store, (method, args, real) -> {
            if (method.getName().equals("chats") && flushOnce.getAndSet(false)) {
                redis.flushDB(); // Redis loses its data again, after the reseed raised a stream and a counter
            }
            return real.proceed();
        });
        Setup setup = setUp(redis, keys, flushing);
        LostWritesCheck check = setup.check();
        RedisWritePath writes = setup.writes();

        assertThatThrownBy(check::check)
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("Redis lost writes of the reseed");
        assertThat(flushOnce).isFalse();
        assertThat(check.behind()).isNotNull();
        assertThat(redis.get(keys.persisted(0)))
                .as("the mark is left below the store's")
                .isNull();
        assertThatThrownBy(() -> writes.createChat(tokens.get(0), AT)).isInstanceOf(BackendUnavailableException.class);

        check.check(); // reseeded again, whole this time
        assertThat(check.behind()).isNull();
        assertThat(StreamEntries.version(QueueDepth.lastId(redis, keys.stream(0))))
                .isGreaterThanOrEqualTo(version);
        for (String token : tokens) {
            assertThat(writes.createChat(token, AT)).isEqualTo(2);
            assertThat(writes.createMessage(token, 1, "after the reseeds", AT)).isEqualTo(3);
        }
    }

    /**
     * A persist batch read before a flush commits its message moments after the check found Redis behind: the reseed
     * waits {@link CounterRecovery#SEED_SETTLE} before it reads the store, so the numbering goes on past that message
     * instead of handing its number out again.
     */
    @Test
    @Timeout(60)
    void aReseedRightAfterAFlushWaitsForTheBatchThatWasCommitting() throws Exception {
        RedisClient redis = redisDatabase.client();
        Setup setup = setUp(redis, new RedisKeys(1));
        RedisWritePath writes = setup.writes();
        String token = application(writes);
        writes.createChat(token, AT);
        writes.createMessage(token, 1, "stored before the flush", AT);
        CountDownLatch applying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ChatStore blocking = InterceptedStore.around(store, (method, args, real) -> {
            if (method.getName().equals("apply") && holdsMessage((List<?>) args[0], 2)) {
                applying.countDown();
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            }
            return real.proceed();
        });
        open.add(newWorkers(redis, setup, blocking, index));
        Await.until(() -> store.maxMessageNumber(token, 1) == 1, WITHIN);
        awaitMarked(redis, setup.keys()); // the store's mark tells the check that a flush lost writes

        try {
            assertThat(writes.createMessage(token, 1, "committing at the flush", AT))
                    .isEqualTo(2);
            assertThat(applying.await(30, TimeUnit.SECONDS)).isTrue();
            redis.flushDB();
            CompletableFuture<Void> checked = CompletableFuture.runAsync(setup.check()::check);
            Thread.sleep(300); // the batch commits moments after the check started, well within SEED_SETTLE
            release.countDown();
            checked.get(30, TimeUnit.SECONDS);
        } finally {
            release.countDown(); // also when the test failed before: the workers must stop
        }

        assertThat(setup.check().behind()).isNull();
        assertThat(writes.createMessage(token, 1, "after the reseed", AT))
                .as("number 2 was handed out before the flush")
                .isEqualTo(3);
        Await.until(() -> store.countMessages(Optional.of(token)) == 3, WITHIN);
        assertThat(store.messages(token, 1, 0, 100))
                .extracting(Message::body)
                .as("nothing stored was displaced")
                .containsExactly("stored before the flush", "committing at the flush", "after the reseed");
    }

    private static boolean holdsMessage(List<?> writes, long number) {
        return writes.stream()
                .anyMatch(write -> write instanceof Write.MessageCreated created && created.messageNumber() == number);
    }

    private record Setup(RedisKeys keys, RedisWritePath writes, LostWritesCheck check) {}

    private record Snapshot(byte[] dump, long pttl) {}

    private Setup setUp(RedisClient redis, RedisKeys keys) {
        return setUp(redis, keys, store);
    }

    /** Over {@code source}, the store the check and the reseed read. */
    private Setup setUp(RedisClient redis, RedisKeys keys, ChatStore source) {
        SharedPipeline pipeline = new SharedPipeline(redis, 1, Duration.ofSeconds(5));
        open.add(pipeline);
        LostWritesCheck check = LostWritesCheck.checkedByCaller(
                redis,
                keys,
                source,
                new CounterRecovery(pipeline, keys, source, CatchUpMarker.inRedis(redis, keys)),
                new RedisJobLock(redis, keys, "this process", RedisJobLock.TTL),
                true);
        RedisWritePath writes = new RedisWritePath(
                redis,
                pipeline,
                keys,
                source,
                1_000_000,
                StreamMemoryBudget.measuredByCaller(redis, keys, Long.MAX_VALUE, System::nanoTime),
                ShardAgreement.checkedByCaller(redis, keys),
                check);
        return new Setup(keys, writes, check);
    }

    private void workers(RedisClient redis, Setup setup) {
        open.add(newWorkers(redis, setup, index));
    }

    private StreamWorkers newWorkers(RedisClient redis, Setup setup, SearchIndex index) {
        return newWorkers(redis, setup, store, index);
    }

    /** Workers persisting to {@code target}. */
    private StreamWorkers newWorkers(RedisClient redis, Setup setup, ChatStore target, SearchIndex index) {
        return new StreamWorkers(
                redis,
                setup.keys(),
                target,
                setup.writes(),
                index,
                100,
                "worker",
                Duration.ofHours(24),
                WorkerListener.NONE);
    }

    /** The index, refusing to index while {@code down}. */
    private SearchIndex failingWhile(AtomicBoolean down) {
        return (SearchIndex) Proxy.newProxyInstance(
                SearchIndex.class.getClassLoader(), new Class<?>[] {SearchIndex.class}, (proxy, method, args) -> {
                    if (down.get()
                            && (method.getName().equals("upsert")
                                    || method.getName().equals("indexInBackground"))) {
                        throw new BackendUnavailableException("search index is down");
                    }
                    try {
                        return method.invoke(index, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private String application(RedisWritePath writes) {
        String token = "t" + System.nanoTime();
        store.createApplication(token, "app", AT);
        writes.applicationCreated(token);
        return token;
    }

    /** Until every shard's stored mark has reached its stream's last id: all it holds is stored and recorded. */
    private void awaitMarked(RedisClient redis, RedisKeys keys) {
        Await.until(
                () -> {
                    Map<Integer, Long> marks = store.persistedMarks();
                    for (int shard = 0; shard < keys.shards(); shard++) {
                        StreamEntryID last = QueueDepth.lastId(redis, keys.stream(shard));
                        if (StreamEntries.version(last) > marks.getOrDefault(shard, 0L)) {
                            return false;
                        }
                    }
                    return true;
                },
                WITHIN);
    }

    private static Map<String, Snapshot> snapshot(RedisClient redis) {
        Map<String, Snapshot> snapshot = new HashMap<>();
        for (String key : redis.keys("*")) {
            byte[] dump = redis.dump(key);
            long pttl = redis.pttl(key);
            // A key with a time to live (a lease, a measurement) may expire between KEYS and DUMP, or before PTTL:
            // it is not in the snapshot then, as it would not have been a moment later.
            if (dump != null && pttl != -2) {
                snapshot.put(key, new Snapshot(dump, pttl));
            }
        }
        return snapshot;
    }

    private static void restore(RedisClient redis, Map<String, Snapshot> snapshot) {
        redis.flushDB();
        snapshot.forEach((key, saved) -> redis.restore(
                key,
                saved.pttl() > 0 ? saved.pttl() : 0,
                saved.dump(),
                RestoreParams.restoreParams().replace()));
    }
}
