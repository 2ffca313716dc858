package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.ConfigurationException;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.NotFoundException;
import dev.chatsystem.core.QueueMemory;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.Accepted;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Displaced;
import dev.chatsystem.core.spi.Edited;
import dev.chatsystem.core.spi.Idempotency;
import dev.chatsystem.core.spi.IdempotencyRecord;
import dev.chatsystem.core.spi.QueueMark;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.RedisMaxmemory;
import dev.chatsystem.core.testing.Services;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XTrimParams;
import redis.clients.jedis.resps.StreamEntry;

/** The Redis write path against a real Redis, persisting into the embedded store and index. */
class RedisBackendTest {
    private static final URI REDIS = Services.redisUrl().resolve("/9"); // a database of its own, flushed per test
    private static final Instant AT = Instant.now().truncatedTo(ChronoUnit.MICROS);

    @TempDir
    Path dataDir;

    private H2ChatStore store;
    private SearchIndex index;
    private final List<AutoCloseable> open = new ArrayList<>();

    /** A JVM killed inside {@link #createsAtRedisMaxmemoryAreRefusedAndConsumeNoNumber} left Redis full. */
    @BeforeAll
    static void liftALeftoverMaxmemory() {
        RedisMaxmemory.undoLeftover(Services.requireRedis());
    }

    @BeforeEach
    void setUp() {
        Services.requireRedis();
        flush();
        store = H2ChatStore.open(dataDir);
        index = LuceneSearchIndex.open(dataDir.resolve("index"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
        index.close();
        store.close();
    }

    @Test
    void numbersAreUniqueAndGapFreeAcrossInstances() throws Exception {
        RedisBackend first = backend(store);
        RedisBackend second = backend(store);
        String token = application();
        first.writePath().createChat(token, AT);

        Set<Long> chats = ConcurrentHashMap.newKeySet();
        Set<Long> messages = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 32; t++) {
            RedisBackend instance = t % 2 == 0 ? first : second;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 20; i++) {
                    assertThat(chats.add(instance.writePath().createChat(token, AT)))
                            .isTrue();
                    assertThat(messages.add(instance.writePath().createMessage(token, 1, "hello", AT)))
                            .isTrue();
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        pool.shutdown();
        assertThat(chats).containsExactlyInAnyOrderElementsOf(range(2, 641));
        assertThat(messages).containsExactlyInAnyOrderElementsOf(range(1, 640));

        workers(first, "w1");
        awaitTrue(() -> store.countMessages(java.util.Optional.empty()) == 640);
        assertThat(store.maxChatNumber(token)).isEqualTo(641);
        assertThat(store.application(token).orElseThrow().chatsCount()).isEqualTo(641);
        assertThat(store.chat(token, 1).orElseThrow().messagesCount()).isEqualTo(640);
        awaitTrue(() -> index.count() == 640);
    }

    @Test
    void idempotentCreatesReplayAcrossInstancesWithoutConsumingNumbers() throws Exception {
        RedisBackend first = backend(store);
        RedisBackend second = backend(store);
        String token = application();
        first.writePath().createChat(token, AT);
        Idempotency key = new Idempotency("messages:" + token + ":1", "k1", "fp-a", Duration.ofHours(24));

        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<Accepted>> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            RedisBackend instance = i % 2 == 0 ? first : second;
            results.add(pool.submit(
                    () -> instance.writePath().createMessage(token, 1, "hi", AT, java.util.Optional.of(key))));
        }
        List<Accepted> accepted = new ArrayList<>();
        for (Future<Accepted> result : results) {
            accepted.add(result.get());
        }
        pool.shutdown();
        assertThat(accepted).extracting(Accepted::number).containsOnly(1L);
        assertThat(accepted).extracting(Accepted::at).containsOnly(AT);
        assertThat(accepted).filteredOn(a -> !a.replayed()).hasSize(1);
        assertThat(first.writePath().createMessage(token, 1, "next", AT)).isEqualTo(2);

        Idempotency otherBody = new Idempotency(key.scope(), key.key(), "fp-b", key.retention());
        assertThatThrownBy(() -> second.writePath().createMessage(token, 1, "x", AT, java.util.Optional.of(otherBody)))
                .isInstanceOf(dev.chatsystem.core.IdempotencyMismatchException.class);
        Idempotency chatKey = new Idempotency("chats:" + token, "k1", "fp-c", key.retention());
        Accepted chat = first.writePath().createChat(token, AT, java.util.Optional.of(chatKey));
        assertThat(second.writePath().createChat(token, AT.plusSeconds(5), java.util.Optional.of(chatKey)))
                .isEqualTo(new Accepted(chat.number(), AT, true));
    }

    @Test
    void acceptedWritesAreReadableBeforeTheyArePersisted() {
        RedisWritePath writes = (RedisWritePath) backend(store).writePath();
        String token = application();
        long chat = writes.createChat(token, AT);
        long number = writes.createMessage(token, chat, "just sent", AT);

        assertThat(writes.pendingChat(token, chat))
                .hasValueSatisfying(c -> assertThat(c.createdAt()).isEqualTo(AT));
        assertThat(writes.pendingMessage(token, chat, number)).hasValue(new Message(chat, number, "just sent", AT, AT));
        Instant later = AT.plusSeconds(1);
        // The edit answers the message it left, as a read of it would, without that read.
        assertThat(writes.editMessage(token, chat, number, "edited", later))
                .isEqualTo(new Edited(later, java.util.Optional.of(AT)));
        assertThat(writes.pendingMessage(token, chat, number)).hasValue(new Message(chat, number, "edited", AT, later));
        assertThat(writes.lastChatNumber(token)).isEqualTo(1);
        assertThat(writes.lastMessageNumber(token, chat)).isEqualTo(1);
        assertThat(writes.lastMessageNumbers(token, List.of(1L, 7L))).containsExactly(java.util.Map.entry(1L, 1L));
        assertThat(writes.pendingChats(token, 0, 10))
                .extracting(c -> c.chatNumber())
                .containsExactly(1L);
        assertThat(writes.pendingChats(token, 1, 10)).isEmpty();
        writes.createMessage(token, chat, "second", AT);
        writes.createMessage(token, chat, "third", AT);
        assertThat(writes.pendingMessages(token, chat, 0, 2))
                .extracting(Message::messageNumber, Message::body)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1L, "edited"),
                        org.assertj.core.groups.Tuple.tuple(2L, "second"));
        assertThat(store.chat(token, chat)).isEmpty(); // nothing touched the store

        assertThatThrownBy(() -> writes.createMessage(token, 2, "no such chat", AT))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> writes.editMessage(token, 1, 9, "no such message", AT))
                .isInstanceOf(NotFoundException.class);
    }

    /** What a full reindex waits for before it reads the store: queue positions, not clocks. */
    @Test
    void aMarkIsStoredOnceThePersistWorkersHaveStoredEveryWriteTakenBeforeIt() {
        RedisBackend backend = backend(store);
        RedisWritePath writes = (RedisWritePath) backend.writePath();
        assertThat(writes.storedUpTo(writes.mark())).isTrue(); // nothing queued
        String token = application();
        writes.createChat(token, AT);
        writes.createMessage(token, 1, "queued before the mark", AT);

        QueueMark mark = writes.mark();
        writes.createMessage(token, 1, "queued after it", AT);

        assertThat(mark.lastIds()).hasSize(4).anyMatch(id -> !id.equals("0-0")); // the shards backend() opens
        assertThat(writes.storedUpTo(mark)).isFalse(); // no worker yet
        workers(backend, "w1");
        awaitTrue(() -> writes.storedUpTo(mark));
        assertThat(store.message(token, 1, 1)).isPresent();
    }

    @Test
    void listsPageThroughABacklogOfAnySize() {
        RedisWritePath writes = (RedisWritePath) backend(store).writePath();
        String token = application();
        long chat = writes.createChat(token, AT);
        int backlog = 10_050; // more than an application's pending writes lists used to merge (10,000)
        for (int i = 1; i <= backlog; i++) {
            writes.createMessage(token, chat, "m" + i, AT);
        }

        assertThat(writes.pendingMessages(token, chat, 0, 3))
                .extracting(Message::messageNumber)
                .containsExactly(1L, 2L, 3L);
        assertThat(writes.pendingMessages(token, chat, 10_000, 100))
                .extracting(Message::messageNumber, Message::body)
                .hasSize(50)
                .startsWith(org.assertj.core.groups.Tuple.tuple(10_001L, "m10001"))
                .endsWith(org.assertj.core.groups.Tuple.tuple(10_050L, "m10050"));
        assertThat(writes.pendingMessages(token, chat, backlog, 100)).isEmpty();
        assertThat(writes.pendingChats(token, 0, 100))
                .extracting(Chat::chatNumber)
                .containsExactly(chat);
    }

    @Test
    void editsRacingTheirCreateAreAppliedInOrderAndPendingStateIsForgotten() {
        RedisBackend backend = backend(store);
        RedisWritePath writes = (RedisWritePath) backend.writePath();
        String token = application();
        writes.createChat(token, AT);
        for (int i = 1; i <= 50; i++) {
            long n = writes.createMessage(token, 1, "first " + i, AT);
            writes.editMessage(token, 1, n, "second " + i, AT.plusMillis(i));
        }
        workers(backend, "w1");
        awaitTrue(() -> store.countMessages(java.util.Optional.empty()) == 50
                && writes.pendingMessage(token, 1, 50).isEmpty());
        for (int i = 1; i <= 50; i++) {
            assertThat(store.message(token, 1, i).orElseThrow().body()).isEqualTo("second " + i);
            assertThat(writes.pendingMessage(token, 1, i)).isEmpty();
        }
        awaitTrue(() -> index.search(token, 1, "second", 100).size() == 50);
        assertThat(index.search(token, 1, "first", 100)).isEmpty();
    }

    @Test
    void aProcessWithAnotherNumberOfShardsIsRefused() {
        try (RedisBackend first = RedisBackend.connect(REDIS, 4, store)) {
            assertThatThrownBy(() -> RedisBackend.connect(REDIS, 8, store))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("CHAT_SHARDS is 8, but the processes on this Redis use 4");
            RedisBackend.connect(REDIS, 4, store).close(); // the same number is welcome
        }

        // With no process left to record its number again, a Redis that lost its data takes the next one's.
        flush();
        RedisBackend.connect(REDIS, 8, store).close();
    }

    /** Counters and idempotency records live only in Redis: a policy that may evict them is reported. */
    @Test
    void healthWarnsOfAnEvictionPolicyThatMayDropCounters() {
        RedisBackend backend = backend(store);
        assertThat(backend.writePath().health()).isEqualTo(BackendStatus.up("queue", "redis"));
        try (RedisClient admin = RedisClient.create(REDIS)) {
            String before = admin.configGet("maxmemory-policy").get("maxmemory-policy");
            admin.configSet("maxmemory-policy", "allkeys-lru"); // with no maxmemory set, nothing is evicted meanwhile
            try {
                BackendStatus status = backend.writePath().health();

                assertThat(status.up()).isTrue();
                assertThat(status.warns()).isTrue();
                assertThat(status.detail()).startsWith("maxmemory-policy is allkeys-lru: ");
            } finally {
                admin.configSet("maxmemory-policy", before);
            }
        }
    }

    /** An admin tool only compares: run from a shell with another number, it must not decide the servers'. */
    @Test
    void aProcessThatDoesNotRecordTheNumberOfShardsOnlyComparesIt() {
        RedisBackend.connect(REDIS, 8, RedisBackend.MAX_STREAM_LENGTH, RedisBackend.MAX_STREAM_BYTES, false, store)
                .close();
        RedisBackend.connect(REDIS, 4, store).close(); // nothing was recorded: the server's number is

        assertThatThrownBy(() -> RedisBackend.connect(
                        REDIS, 8, RedisBackend.MAX_STREAM_LENGTH, RedisBackend.MAX_STREAM_BYTES, false, store))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CHAT_SHARDS is 8, but the processes on this Redis use 4");
    }

    /**
     * A flush wipes the recorded number with everything else: a running process records its own again at its next
     * check, so one started later with another is refused; when the other records first, the running one refuses
     * creates and reports its queue down until the numbers agree again.
     */
    @Test
    void processesCheckTheNumberOfShardsAgainAfterAFlush() {
        try (RedisClient redis = RedisClient.create(REDIS);
                SharedPipeline scripts = new SharedPipeline(redis, 1, Duration.ofSeconds(5))) {
            RedisKeys keys = new RedisKeys(4);
            ShardAgreement agreement = ShardAgreement.checkedByCaller(redis, keys);
            RedisWritePath writes = new RedisWritePath(
                    redis,
                    scripts,
                    keys,
                    store,
                    1_000_000,
                    StreamMemoryBudget.measuredByCaller(redis, keys, Long.MAX_VALUE, System::nanoTime),
                    agreement,
                    uncheckedLostWrites(redis, scripts, keys));
            agreement.check();
            String token = application();
            assertThat(writes.createChat(token, AT)).isEqualTo(1);

            flush();
            agreement.check();
            assertThatThrownBy(() -> RedisBackend.connect(REDIS, 8, store))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("CHAT_SHARDS is 8, but the processes on this Redis use 4");

            flush();
            try (RedisBackend other = RedisBackend.connect(REDIS, 8, store)) {
                agreement.check();

                assertThatThrownBy(() -> writes.createChat(token, AT))
                        .isInstanceOf(BackendUnavailableException.class)
                        .hasMessageContaining("CHAT_SHARDS is 4, but the processes on this Redis use 8")
                        .hasMessageContaining(
                                "Stop the processes whose value is wrong, then DEL {chat:s0}:config:shards");
                assertThatThrownBy(() -> writes.createMessage(token, 1, "refused", AT))
                        .isInstanceOf(BackendUnavailableException.class);
                Idempotency once = new Idempotency("displaced:" + token + ":1", "1", "displaced", Duration.ofHours(1));
                assertThatThrownBy(() -> writes.requeueMessage(token, 1, "displaced", AT, once))
                        .as("a displaced create queued again, under the other shard count's counters")
                        .isInstanceOf(BackendUnavailableException.class)
                        .hasMessageContaining("CHAT_SHARDS is 4, but the processes on this Redis use 8");
                assertThat(writes.health().up()).isFalse();
            }

            flush();
            agreement.check();
            assertThat(writes.health().up()).isTrue();
            assertThat(writes.createChat(token, AT)).isPositive(); // accepted again
        }
    }

    /** The application is stored before its counter is started: failing then would have it created twice. */
    @Test
    void anApplicationWhoseCounterCouldNotBeStartedNumbersItsChatsFromTheStore() {
        String token = "counter-not-started-0123456789ab";
        store.createApplication(token, "app", AT);
        RedisBackend lost = RedisBackend.connect(REDIS, 4, store);
        lost.close(); // its connections gone, as with Redis unreachable

        lost.numbering().applicationCreated(token); // logged, not thrown

        assertThat(backend(store).writePath().createChat(token, AT)).isEqualTo(1);
    }

    @Test
    void theCreateScriptItselfRefusesUnknownChatsAndApplications() {
        RedisWritePath writes = (RedisWritePath) backend(store).writePath();
        assertThat(writes.refusesUnknownParents()).isTrue();
        String token = application();
        writes.createChat(token, AT);

        assertThatThrownBy(() -> writes.createMessage(token, 2, "no such chat", AT))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> writes.createMessage("never-issued-token-0123456789abcd", 1, "no application", AT))
                .isInstanceOf(NotFoundException.class);

        flush(); // counters gone: the store decides, and still nothing is numbered for a chat that does not exist
        assertThatThrownBy(() -> writes.createMessage(token, 2, "no such chat", AT))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> writes.createMessage("never-issued-token-0123456789abcd", 1, "no application", AT))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void aLostRedisContinuesNumberingAfterThePersistedMaximum() {
        RedisBackend backend = backend(store);
        String token = application();
        backend.writePath().createChat(token, AT);
        for (int i = 0; i < 5; i++) {
            backend.writePath().createMessage(token, 1, "before", AT);
        }
        AutoCloseable workers = workers(backend, "w1");
        awaitTrue(() -> store.countMessages(java.util.Optional.empty()) == 5);

        flush(); // FLUSHALL / a restart without persistence

        assertThat(backend.numbering().lastChatNumber(token)).isEqualTo(1);
        assertThat(backend.writePath().createMessage(token, 1, "after", AT)).isEqualTo(6);
        assertThat(backend.writePath().createChat(token, AT)).isEqualTo(2);
        assertThat(backend.writePath().createMessage(token, 2, "new chat", AT)).isEqualTo(1);
        awaitTrue(() -> store.countMessages(java.util.Optional.empty()) == 7);
        assertThat(store.message(token, 1, 6).orElseThrow().body()).isEqualTo("after");
    }

    @Test
    void aBatchStillCommittingWhenRedisLostItsDataIsNotNumberedOver() throws Exception {
        RedisBackend backend = backend(store);
        String token = application();
        backend.writePath().createChat(token, AT);
        backend.writePath().createMessage(token, 1, "persisted", AT);
        store.apply(List.of(
                new Write.ChatCreated(token, 1, AT), new Write.MessageCreated(token, 1, 1, "persisted", AT, 1)));

        flush(); // Redis loses its data while a worker is still committing messages 2 and 3 it read before
        backend.numbering().lastChatNumber(token); // the chat counter seeded first: its settle is another timed wait
        AtomicLong created = new AtomicLong();
        Thread create = Thread.ofPlatform()
                .start(() -> created.set(backend.writePath().createMessage(token, 1, "after the loss", AT)));
        // The create found the counter missing and waits out the seed's settle (its only timed wait): the batch
        // commits now, as a worker's would that read its entries before the loss.
        Await.until(() -> create.getState() == Thread.State.TIMED_WAITING, Duration.ofSeconds(10));
        store.apply(List.of(
                new Write.MessageCreated(token, 1, 2, "in flight", AT, 2),
                new Write.MessageCreated(token, 1, 3, "in flight", AT, 3)));
        create.join();

        assertThat(created).hasValue(4);
    }

    /**
     * The stored versions came from the lost Redis' stream ids; the new stream starts from this server's clock, which
     * may be behind that one's (another host, a clock stepped back): an edit queued below the stored version would be
     * dropped by the workers and the message keep its old body for good.
     */
    @Test
    void afterALossOfRedisDataAnEditIsQueuedAboveTheStoredVersions() {
        RedisBackend backend = backend(store);
        String token = application();
        long aheadMillis = System.currentTimeMillis() + Duration.ofDays(1).toMillis();
        long storedVersion = aheadMillis * StreamEntries.SEQUENCES_PER_MILLI + 7;
        store.apply(List.of(
                new Write.ChatCreated(token, 1, AT),
                new Write.MessageCreated(token, 1, 1, "written when the clock was ahead", AT, storedVersion)));

        flush(); // the loss: the stream and the counters are gone
        backend.writePath().editMessage(token, 1, 1, "edited after the loss", AT);

        try (RedisClient redis = RedisClient.create(REDIS)) {
            String stream = new RedisKeys(4).stream(token);
            List<StreamEntry> entries = redis.xrange(stream, (StreamEntryID) null, (StreamEntryID) null);
            assertThat(entries).hasSize(1); // the edit alone: nothing else is left in the stream
            assertThat(StreamEntries.version(entries.getFirst().getID())).isGreaterThan(storedVersion);
        }
        workers(backend, "w1");
        awaitTrue(() -> store.message(token, 1, 1).orElseThrow().body().equals("edited after the loss"));
    }

    /** A reseed creates every counter, so no seed raises the stream later: the reseed raises it itself. */
    @Test
    void afterALossOfRedisDataAReseedAlsoQueuesEditsAboveTheStoredVersions() {
        RedisBackend backend = backend(store);
        String token = application();
        long storedVersion =
                (System.currentTimeMillis() + Duration.ofDays(1).toMillis()) * StreamEntries.SEQUENCES_PER_MILLI + 7;
        store.apply(List.of(
                new Write.ChatCreated(token, 1, AT),
                new Write.MessageCreated(token, 1, 1, "written when the clock was ahead", AT, storedVersion)));

        flush();
        backend.numbering().reseed(store);
        backend.writePath().editMessage(token, 1, 1, "edited after the reseed", AT);

        try (RedisClient redis = RedisClient.create(REDIS)) {
            List<StreamEntry> entries =
                    redis.xrange(new RedisKeys(4).stream(token), (StreamEntryID) null, (StreamEntryID) null);
            assertThat(entries).hasSize(1);
            assertThat(StreamEntries.version(entries.getFirst().getID())).isGreaterThan(storedVersion);
        }
    }

    @Test
    void raisingTheStreamIdNeverLowersIt() {
        try (RedisClient redis = RedisClient.create(REDIS)) {
            String stream = new RedisKeys(4).stream("any-token");
            StreamEntryID first = redis.xadd(stream, XAddParams.xAddParams(), Map.of("k", "x"));
            Object lower = Scripts.RAISE_STREAM_ID.run(redis, List.of(stream), List.of("1", "0"));
            assertThat(lower).isEqualTo(0L);
            long ahead = first.getTime() + 1000;
            Object higher = Scripts.RAISE_STREAM_ID.run(redis, List.of(stream), List.of(Long.toString(ahead), "5"));
            assertThat(higher).isEqualTo(1L);
            StreamEntryID next = redis.xadd(stream, XAddParams.xAddParams(), Map.of("k", "x"));
            assertThat(next).isGreaterThan(new StreamEntryID(ahead, 5));
        }
    }

    @Test
    void reseedRaisesLostCountersButNeverLowersOne() {
        RedisBackend backend = backend(store);
        String token = application();
        backend.writePath().createChat(token, AT);
        backend.writePath().createChat(token, AT);
        for (int i = 0; i < 3; i++) {
            backend.writePath().createMessage(token, 2, "m", AT);
        }
        workers(backend, "w1");
        awaitTrue(() -> store.countMessages(java.util.Optional.empty()) == 3);
        flush();

        assertThat(backend.numbering().reseed(store)).isEqualTo(3); // chats, chat 1 and chat 2 counters
        assertThat(backend.numbering().reseed(store)).isZero();
        backend.writePath().createMessage(token, 2, "m", AT); // counter 4, not yet persisted
        assertThat(backend.numbering().reseed(store)).isZero();
        assertThat(backend.numbering().lastMessageNumber(token, 2)).isEqualTo(4);
    }

    @Test
    void aWorkerThatFailsAfterCommittingRetriesWithoutDuplicates() throws Exception {
        AtomicInteger failuresLeft = new AtomicInteger(3);
        ChatStore flaky = new FailAfterApplyStore(store, failuresLeft);
        RedisBackend backend = backend(store);
        String token = application();
        backend.writePath().createChat(token, AT);
        for (int i = 0; i < 200; i++) {
            backend.writePath().createMessage(token, 1, "m" + i, AT);
        }
        open.add(backend.startWorkers(flaky, index, 64, "flaky", Duration.ofHours(24), WorkerListener.NONE));
        awaitTrue(() -> failuresLeft.get() < 0 && backend.writePath().pending() == 0);

        assertThat(store.messages(token, 1, 0, 1000))
                .extracting(Message::messageNumber)
                .containsExactlyElementsOf(range(1, 200));
        assertThat(store.chat(token, 1).orElseThrow().messagesCount()).isEqualTo(200);
    }

    @Test
    void storedMessagesWhoseIndexEntriesRedisLostAreIndexedAgain() throws Exception {
        RedisBackend backend = backend(store);
        String token = "t" + System.nanoTime(); // stored before Redis knew it: its counters are seeded from the store
        store.createApplication(token, "app", AT);
        List<Write> stored = new ArrayList<>(List.of(new Write.ChatCreated(token, 1, AT)));
        for (long number = 1; number <= 2_500; number++) { // more than one catch-up batch
            stored.add(new Write.MessageCreated(token, 1, number, "entry " + number, AT, number));
        }
        store.apply(stored);
        workers(backend, "w1"); // a new deployment's queue: its groups are created, a pass indexes what is stored
        backend.writePath().createMessage(token, 1, "queued", AT);
        awaitTrue(() -> index.count() == 2_501 && store.countMessages(Optional.empty()) == 2_501);

        index.clear(Optional.of(token)); // as if these had been persisted while their index entries were queued
        Thread.sleep(1_500);
        assertThat(index.count()).isZero(); // nothing indexes them again by itself...

        flush(); // ...until Redis loses its data (FLUSHALL, a restart without persistence)
        assertThat(backend.writePath().createMessage(token, 1, "after the flush", AT))
                .isEqualTo(2_502);

        awaitTrue(() -> index.count() == 2_502);
        assertThat(index.search(token, 1, "entry", 5_000)).hasSize(2_500);
    }

    @Test
    void anotherInstanceTakesOverTheShardsWhenAWorkerStops() throws Exception {
        RedisBackend backend = backend(store);
        String token = application();
        backend.writePath().createChat(token, AT);
        AutoCloseable first =
                backend.startWorkers(store, index, 100, "first", Duration.ofHours(24), WorkerListener.NONE);
        open.add(first); // closed below; by tearDown too if the test fails first (closing twice is harmless)
        backend.writePath().createMessage(token, 1, "one", AT);
        awaitTrue(() -> store.countMessages(java.util.Optional.empty()) == 1);
        List<String> leases = leaseKeys(4);
        try (RedisClient redis = RedisClient.create(REDIS)) {
            awaitTrue(() -> leases.stream().allMatch(lease -> "first".equals(redis.get(lease))));
            first.close(); // gives its leases back: at once, not when they lapse
            assertThat(leases)
                    .allSatisfy(lease -> assertThat(redis.exists(lease))
                            .as("%s after close", lease)
                            .isFalse());
        }

        workers(backend(store), "second");
        backend.writePath().createMessage(token, 1, "two", AT);
        // Well within ShardDrainer.LEASE_TTL: a lease that was only left to lapse would not be free yet.
        Await.until(() -> store.countMessages(java.util.Optional.empty()) == 2, ShardDrainer.LEASE_TTL.dividedBy(2));
    }

    /** Every shard's lease key, for both consumer groups. */
    private static List<String> leaseKeys(int shards) {
        RedisKeys keys = new RedisKeys(shards);
        List<String> leases = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++) {
            leases.add(keys.lease(shard, StreamWorkers.PERSIST));
            leases.add(keys.lease(shard, StreamWorkers.INDEX));
        }
        return leases;
    }

    /** README, Guarantees: "Redis at maxmemory (noeviction)": creates answer 503 and consume no number. */
    @Test
    void createsAtRedisMaxmemoryAreRefusedAndConsumeNoNumber() {
        RedisBackend backend = backend(store);
        RedisWritePath writes = (RedisWritePath) backend.writePath();
        String token = application();
        assertThat(writes.createChat(token, AT)).isEqualTo(1);
        assertThat(writes.createMessage(token, 1, "before", AT)).isEqualTo(1);
        String counters = new RedisKeys(4).counters(token);
        try (RedisClient admin = RedisClient.create(REDIS)) {
            Map<String, String> before = admin.hgetAll(counters);
            assertThat(before).containsEntry("c", "1").containsEntry("m:1", "1");
            try (RedisMaxmemory full = RedisMaxmemory.full(admin)) {
                assertThatThrownBy(() -> writes.createMessage(token, 1, "refused", AT))
                        .isInstanceOf(BackendUnavailableException.class);
                assertThatThrownBy(() -> writes.createChat(token, AT)).isInstanceOf(BackendUnavailableException.class);
                assertThat(admin.hgetAll(counters)).as("no number consumed").isEqualTo(before);
            }
            assertThat(admin.xlen(new RedisKeys(4).stream(new RedisKeys(4).shardOf(token))))
                    .as("nothing queued by the refused creates")
                    .isEqualTo(2);
        }
        assertThat(writes.createMessage(token, 1, "after", AT)).isEqualTo(2);
        assertThat(writes.createChat(token, AT)).isEqualTo(2);
    }

    @Test
    void aFullShardStreamRefusesCreatesInsteadOfGrowing() {
        try (RedisClient redis = RedisClient.create(REDIS);
                SharedPipeline scripts = new SharedPipeline(redis, 1, Duration.ofSeconds(5))) {
            RedisKeys keys = new RedisKeys(4);
            RedisWritePath writes = new RedisWritePath(
                    redis,
                    scripts,
                    keys,
                    store,
                    5,
                    StreamMemoryBudget.measuredByCaller(redis, keys, Long.MAX_VALUE, System::nanoTime),
                    ShardAgreement.checkedByCaller(redis, keys),
                    uncheckedLostWrites(redis, scripts, keys));
            String token = application();
            writes.createChat(token, AT); // entry 1 of 5
            for (int i = 0; i < 4; i++) {
                writes.createMessage(token, 1, "m", AT);
            }
            assertThatThrownBy(() -> writes.createMessage(token, 1, "one too many", AT))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("queue is full");
            assertThat(writes.lastMessageNumber(token, 1)).isEqualTo(4); // nothing consumed
        }
    }

    @Test
    void aShardStreamAtItsMemoryBudgetRefusesWritesUntilItShrinks() {
        try (RedisClient redis = RedisClient.create(REDIS);
                SharedPipeline scripts = new SharedPipeline(redis, 1, Duration.ofSeconds(5))) {
            RedisKeys keys = new RedisKeys(4);
            AtomicLong nanoTime = new AtomicLong();
            StreamMemoryBudget memory = StreamMemoryBudget.measuredByCaller(redis, keys, 1L << 20, nanoTime::get);
            RedisWritePath writes = new RedisWritePath(
                    redis,
                    scripts,
                    keys,
                    store,
                    1_000_000,
                    memory,
                    ShardAgreement.checkedByCaller(redis, keys),
                    uncheckedLostWrites(redis, scripts, keys));
            String token = application();
            writes.createChat(token, AT);
            Idempotency key = new Idempotency("messages:" + token + ":1", "k1", "fp-a", Duration.ofHours(24));
            assertThat(writes.createMessage(token, 1, "keyed", AT, Optional.of(key))
                            .number())
                    .isEqualTo(1);
            String body = "x".repeat(60_000);
            for (int i = 0; i < 19; i++) { // 1.1 MB of bodies: the budget is 1 MiB
                writes.createMessage(token, 1, body, AT);
            }
            memory.measure();
            assertThat(memory.measured(keys.shardOf(token))).isGreaterThan(1L << 20);
            assertThat(writes.queueMemory())
                    .hasSize(4)
                    .contains(new QueueMemory(keys.shardOf(token), memory.measured(keys.shardOf(token)), 1L << 20));

            assertThatThrownBy(() -> writes.createMessage(token, 1, "one more", AT))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("queue is full");
            assertThatThrownBy(() -> writes.createChat(token, AT))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("queue is full");
            assertThatThrownBy(() -> writes.editMessage(token, 1, 1, "edited", AT))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("queue is full");
            assertThat(writes.lastMessageNumber(token, 1)).isEqualTo(20); // nothing consumed
            // The retry of an acknowledged create still gets its answer: it queues nothing.
            Accepted retried = writes.createMessage(token, 1, "keyed", AT, Optional.of(key));
            assertThat(retried.number()).isEqualTo(1);
            assertThat(retried.replayed()).isTrue();

            // A measurement gone stale (the measurer stopped) refuses nothing: the entry bound still holds.
            nanoTime.addAndGet(StreamMemoryBudget.STALE_AFTER.toNanos() + 1);
            assertThat(writes.createMessage(token, 1, "measured too long ago", AT))
                    .isEqualTo(21);
            memory.measure();
            assertThatThrownBy(() -> writes.createMessage(token, 1, "measured again", AT))
                    .isInstanceOf(BackendUnavailableException.class);

            redis.xtrim(keys.stream(token), XTrimParams.xTrimParams().maxLen(0));
            memory.measure(); // as if the workers had caught up and the trimmer had run
            assertThat(writes.createMessage(token, 1, "fits again", AT)).isEqualTo(22);
        }
    }

    @Test
    void aMeasuringBudgetMeasuresAtOnceAndThenPeriodically() {
        RedisKeys keys = new RedisKeys(4);
        String token = "any-token";
        try (RedisClient redis = RedisClient.create(REDIS)) {
            redis.xadd(keys.stream(token), XAddParams.xAddParams(), Map.of("b", "body"));
            try (StreamMemoryBudget budget = StreamMemoryBudget.measuring(redis, keys, 1)) {
                // measured before measuring() returns: the stream takes more than the budget of 1 byte
                assertThat(budget.full(token)).isTrue();
                redis.del(keys.stream(token));
                awaitTrue(() -> budget.measured(keys.shardOf(token)) == 0);
                assertThat(budget.full(token)).isFalse();
            }
        }
    }

    @Test
    void anUnreachableRedisIsReportedAsUnavailable() {
        assertThatThrownBy(() -> RedisBackend.connect(URI.create("redis://127.0.0.1:1"), 4, store))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("cannot reach Redis");
    }

    /** An application as the product creates one: stored, its chat counter started at 0 (no seeding needed). */
    private String application() {
        String token = "t" + System.nanoTime();
        store.createApplication(token, "app", AT);
        try (RedisClient redis = RedisClient.create(REDIS)) {
            redis.hsetnx(new RedisKeys(4).counters(token), "c", "0");
        }
        return token;
    }

    /** A check never run: Redis counts as not behind the store. */
    private LostWritesCheck uncheckedLostWrites(RedisClient redis, SharedPipeline scripts, RedisKeys keys) {
        return LostWritesCheck.checkedByCaller(
                redis,
                keys,
                store,
                new CounterRecovery(scripts, keys, store, CatchUpMarker.inRedis(redis, keys)),
                new RedisJobLock(redis, keys, "test", RedisJobLock.TTL),
                true);
    }

    private RedisBackend backend(ChatStore seedStore) {
        RedisBackend backend = RedisBackend.connect(REDIS, 4, seedStore);
        open.add(backend);
        return backend;
    }

    private AutoCloseable workers(RedisBackend backend, String owner) {
        AutoCloseable workers =
                backend.startWorkers(store, index, 100, owner, Duration.ofHours(24), WorkerListener.NONE);
        open.add(workers);
        return workers;
    }

    private static void flush() {
        try (RedisClient redis = RedisClient.create(REDIS)) {
            redis.flushDB();
        }
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static void awaitTrue(BooleanSupplier condition) {
        Await.until(condition, Duration.ofSeconds(30));
    }

    /** Commits, then fails as a worker killed between the commit and the acknowledgement would. */
    record FailAfterApplyStore(ChatStore delegate, AtomicInteger failuresLeft) implements ChatStore {
        @Override
        public Displaced apply(List<Write> writes, Map<Write, IdempotencyRecord> records) {
            Displaced displaced = delegate.apply(writes, records);
            if (failuresLeft.getAndDecrement() > 0) {
                throw new BackendUnavailableException("simulated crash after commit");
            }
            return displaced;
        }

        // Everything else delegates.
        @Override
        public java.util.Optional<IdempotencyRecord> idempotencyRecord(String scope, String key, Instant notBefore) {
            return delegate.idempotencyRecord(scope, key, notBefore);
        }

        @Override
        public java.util.Optional<IdempotencyRecord> createApplication(
                String token, String name, Instant at, IdempotencyRecord record, Instant notBefore) {
            return delegate.createApplication(token, name, at, record, notBefore);
        }

        @Override
        public long maxMessageVersion() {
            return delegate.maxMessageVersion();
        }

        @Override
        public long maxMessageVersion(String token, long chatNumber) {
            return delegate.maxMessageVersion(token, chatNumber);
        }

        @Override
        public void raiseMessageVersion(String token, long chatNumber, long messageNumber, long version) {
            delegate.raiseMessageVersion(token, chatNumber, messageNumber, version);
        }

        @Override
        public String schemaVersion() {
            return delegate.schemaVersion();
        }

        @Override
        public long purgeIdempotencyRecords(Instant before, int limit) {
            return delegate.purgeIdempotencyRecords(before, limit);
        }

        @Override
        public dev.chatsystem.core.Application createApplication(String token, String name, Instant at) {
            return delegate.createApplication(token, name, at);
        }

        @Override
        public java.util.Optional<dev.chatsystem.core.Application> application(String token) {
            return delegate.application(token);
        }

        @Override
        public java.util.Optional<dev.chatsystem.core.Application> renameApplication(
                String token, String name, Instant at) {
            return delegate.renameApplication(token, name, at);
        }

        @Override
        public List<dev.chatsystem.core.Application> applications(java.util.Optional<String> after, int limit) {
            return delegate.applications(after, limit);
        }

        @Override
        public java.util.Optional<dev.chatsystem.core.Chat> chat(String token, long chatNumber) {
            return delegate.chat(token, chatNumber);
        }

        @Override
        public List<dev.chatsystem.core.Chat> chats(String token, long after, int limit) {
            return delegate.chats(token, after, limit);
        }

        @Override
        public java.util.Optional<Message> message(String token, long chatNumber, long messageNumber) {
            return delegate.message(token, chatNumber, messageNumber);
        }

        @Override
        public List<Message> messages(String token, long chatNumber, long after, int limit) {
            return delegate.messages(token, chatNumber, after, limit);
        }

        @Override
        public List<Message> messages(String token, long chatNumber, java.util.Collection<Long> numbers) {
            return delegate.messages(token, chatNumber, numbers);
        }

        @Override
        public long maxChatNumber(String token) {
            return delegate.maxChatNumber(token);
        }

        @Override
        public long maxMessageNumber(String token, long chatNumber) {
            return delegate.maxMessageNumber(token, chatNumber);
        }

        @Override
        public dev.chatsystem.core.spi.MessageBatch messagesForIndex(
                java.util.Optional<String> token, long cursor, int limit) {
            return delegate.messagesForIndex(token, cursor, limit);
        }

        @Override
        public long countMessages(java.util.Optional<String> token) {
            return delegate.countMessages(token);
        }

        @Override
        public long countApplications() {
            return delegate.countApplications();
        }

        @Override
        public long countChats() {
            return delegate.countChats();
        }

        @Override
        public dev.chatsystem.core.BackendStatus health() {
            return delegate.health();
        }

        @Override
        public void close() {}
    }
}
