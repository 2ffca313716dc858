package dev.chatsystem.core.internal;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatException;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.DataDir;
import dev.chatsystem.core.Health;
import dev.chatsystem.core.ReindexListener;
import dev.chatsystem.core.ReindexReport;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.elasticsearch.ElasticsearchSearchIndex;
import dev.chatsystem.core.embedded.GroupCommitWritePath;
import dev.chatsystem.core.embedded.LocalJobLease;
import dev.chatsystem.core.embedded.LocalJobLock;
import dev.chatsystem.core.embedded.MarkedSearchIndex;
import dev.chatsystem.core.embedded.MissedWrites;
import dev.chatsystem.core.embedded.StoreNumbering;
import dev.chatsystem.core.files.OwnerOnlyDirectories;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.mysql.MySqlChatStore;
import dev.chatsystem.core.redis.RedisBackend;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.CountReconciler;
import dev.chatsystem.core.spi.JobLease;
import dev.chatsystem.core.spi.JobLock;
import dev.chatsystem.core.spi.SearchIndex;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root of the library: wires the backends a configuration names, and nothing else. */
public final class ChatSystems {
    private static final Logger log = LoggerFactory.getLogger(ChatSystems.class);

    private ChatSystems() {}

    public static ChatSystem open(ChatConfig config) {
        return open(config, Clock.systemUTC());
    }

    /** See {@link ChatSystem#migrate}: opening a store applies its pending migrations. */
    public static String migrate(ChatConfig config) {
        if (config.production()) {
            ChatConfig.Database db = config.database().orElseThrow();
            try (MySqlChatStore store = MySqlChatStore.open(db.url(), db.user(), db.password())) {
                return store.schemaVersion();
            }
        }
        createDataDir(config);
        try (H2ChatStore store = H2ChatStore.open(config.dataDir())) {
            return store.schemaVersion();
        }
    }

    /**
     * See {@link ChatSystem#checkBackends}: the production form's backends one by one ({@link BackendChecks}); the
     * embedded data dir, one backend, by opening it.
     */
    public static Health checkBackends(ChatConfig config) {
        if (config.production()) {
            return BackendChecks.production(config);
        }
        try (ChatSystem system = open(config)) {
            return system.health();
        } catch (ChatException e) {
            return new Health(List.of(BackendStatus.down("store", "h2", e.getMessage())));
        }
    }

    static ChatSystem open(ChatConfig config, Clock clock) {
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            WorkerListener listener = GuardedWorkerListener.of(config.workerListener());
            ChatSystem system = config.production()
                    ? production(config, clock, opened, listener)
                    : embedded(config, clock, opened, listener);
            opened.clear();
            return new GuardedChatSystem(system, listener);
        } catch (RuntimeException | Error e) { // an Error too (out of memory in a rebuild): the writer would live on
            closeAll(opened);
            throw e;
        }
    }

    /**
     * Everything in one process: H2, the group-commit writer, Lucene (or Elasticsearch when configured) and the
     * periodic reconciler.
     */
    private static ChatSystem embedded(
            ChatConfig config, Clock clock, Deque<AutoCloseable> opened, WorkerListener listener) {
        createDataDir(config);
        H2ChatStore store = remember(opened, H2ChatStore.open(config.dataDir(), config.migrateSchema()));
        EmbeddedIndex embeddedIndex = embeddedIndex(config, store, opened);
        SearchIndex index = embeddedIndex.index();
        Lock indexLock = Reindexer.newIndexLock();
        GroupCommitWritePath writes = remember(
                opened,
                GroupCommitWritePath.start(
                        store.writer(),
                        index,
                        indexLock,
                        embeddedIndex.missedWrites(),
                        config.writeQueueCapacity(),
                        config.writeBatchSize(),
                        config.idempotencyRetention(),
                        listener));
        CountReconciler reconciler = new ObservedReconciler(store, listener);
        JobLock jobLock = new LocalJobLock();
        AutoCloseable reconciling =
                remember(opened, reconcilePeriodically(config, reconciler, new LocalJobLease(clock), jobLock));
        Backends backends = new Backends(
                store,
                index,
                new StoreNumbering(store),
                writes,
                reconciler,
                indexLock,
                jobLock,
                // The writer (and below, the workers) before the reconciler: a stop must not wait for a recount to end
                // before it finishes the writes under way, and the reconciler's own wait is short (see there).
                List.of(writes, reconciling, index, store));
        DefaultChatSystem system = new DefaultChatSystem(backends, clock, config.idempotencyRetention());
        if (index.needsRebuild() && mayRebuildAtOpen(config, embeddedIndex, store)) {
            try {
                rebuild(system);
            } catch (BackendUnavailableException e) {
                if (!embeddedIndex.remote()) {
                    throw e;
                }
                // Elasticsearch down at start: serve anyway; the marker stays, so the next start rebuilds.
                log.warn(
                        "the search index could not be rebuilt now ({}); searches may miss messages until a"
                                + " restart rebuilds it or chat-cli reindex runs",
                        e.getMessage());
            }
        }
        return system;
    }

    /**
     * A rebuild on Elasticsearch creates the index: a process that must not (the admin tool) leaves it owed, its health
     * warning, for a full reindex. So does one that must not run a rebuild unasked ({@link
     * ChatConfig#rebuildIndexAtOpen}), but over a store holding no messages (a new data dir, whose index is incomplete
     * only because nothing built it yet): that rebuild takes no time, and the check reads one row at most.
     */
    private static boolean mayRebuildAtOpen(ChatConfig config, EmbeddedIndex index, ChatStore store) {
        if (index.remote() && !config.maintainsSearchIndex()) {
            return false;
        }
        return config.rebuildIndexAtOpen()
                || store.messagesForIndex(Optional.empty(), 0, 1).messages().isEmpty();
    }

    /**
     * Creates the embedded data dir if it does not exist, owner-only ({@link OwnerOnlyDirectories}); a file in its way
     * is a configuration error.
     */
    private static void createDataDir(ChatConfig config) {
        DataDir.requireNoFileInTheWay(config, "CHAT_DATA_DIR or --data-dir");
        try {
            OwnerOnlyDirectories.createOrRestrict(config.dataDir());
        } catch (IOException e) {
            throw new BackendUnavailableException("cannot create data dir " + config.dataDir() + ": " + e, e);
        }
    }

    /**
     * The embedded form's index, where its indexer reports the documents it drops, and whether it is a server that may
     * be down when this process starts.
     */
    private record EmbeddedIndex(SearchIndex index, MissedWrites missedWrites, boolean remote) {}

    /**
     * Lucene remembers dropped documents and unclean closes in its own directory, so the next start rebuilds it;
     * Elasticsearch in its place is marked in the data dir instead ({@link MarkedSearchIndex}).
     */
    private static EmbeddedIndex embeddedIndex(ChatConfig config, ChatStore store, Deque<AutoCloseable> opened) {
        // The index this start does not use falls behind from now on: marked, so that a later start with it (the
        // URL removed or set again) rebuilds it rather than serving it as complete, missing what the other was given.
        Path luceneDir = config.dataDir().resolve("index");
        if (config.elasticsearchUrl().isPresent()) {
            LuceneSearchIndex.markStale(luceneDir);
            SearchIndex elasticsearch = remember(
                    opened,
                    ElasticsearchSearchIndex.open(
                            config.elasticsearchUrl().get(),
                            config.elasticsearchIndex(),
                            () -> false, // the marker in the data dir tells (MarkedSearchIndex)
                            config.maintainsSearchIndex()));
            MarkedSearchIndex marked = MarkedSearchIndex.open(
                    elasticsearch, config.dataDir(), store.countMessages(java.util.Optional.empty()));
            opened.pop(); // the marked index closes Elasticsearch's
            return new EmbeddedIndex(remember(opened, marked), marked.missedWrites(), true);
        }
        MarkedSearchIndex.markStale(config.dataDir());
        LuceneSearchIndex lucene = remember(opened, LuceneSearchIndex.open(luceneDir));
        return new EmbeddedIndex(lucene, MissedWrites.of(lucene::missedWrites, lucene::missesWrites), false);
    }

    /**
     * The distributed form: MySQL is the truth, Redis numbers and queues every create, Elasticsearch indexes; queue
     * workers and the periodic reconciler run here unless the role is {@code api}.
     */
    private static ChatSystem production(
            ChatConfig config, Clock clock, Deque<AutoCloseable> opened, WorkerListener listener) {
        ChatConfig.Database db = config.database().orElseThrow();
        MySqlChatStore store =
                remember(opened, MySqlChatStore.open(db.url(), db.user(), db.password(), config.migrateSchema()));
        // An index missing at open over a store holding messages lacks them: health asks for a reindex then.
        SearchIndex index = remember(
                opened,
                ElasticsearchSearchIndex.open(
                        config.elasticsearchUrl().orElseThrow(),
                        config.elasticsearchIndex(),
                        () -> !store.messagesForIndex(Optional.empty(), 0, 1)
                                .messages()
                                .isEmpty(),
                        config.maintainsSearchIndex()));
        RedisBackend redis = remember(
                opened,
                RedisBackend.connect(
                        config.redisUrl().orElseThrow(),
                        config.shards(),
                        config.queueShardMaxEntries(),
                        config.queueShardMaxBytes(),
                        config.maintainsRedis(),
                        store));
        CountReconciler reconciler = new ObservedReconciler(store, listener);
        AutoCloseable workers = () -> {};
        AutoCloseable reconciling = () -> {};
        String instance = instanceId();
        JobLock jobLock = redis.jobLock(instance);
        if (config.role().runsWorkers()) {
            workers = remember(
                    opened,
                    redis.startWorkers(
                            store, index, config.writeBatchSize(), instance, config.idempotencyRetention(), listener));
            reconciling =
                    remember(opened, reconcilePeriodically(config, reconciler, redis.jobLease(instance), jobLock));
        }
        Backends backends = new Backends(
                store,
                index,
                redis.numbering(),
                redis.writePath(),
                reconciler,
                Reindexer.newIndexLock(),
                jobLock,
                List.of(workers, reconciling, redis, index, store));
        return new DefaultChatSystem(backends, clock, config.idempotencyRetention());
    }

    /** The safety-net reconciler, unless the interval is zero. */
    private static AutoCloseable reconcilePeriodically(
            ChatConfig config, CountReconciler reconciler, JobLease lease, JobLock lock) {
        if (config.reconcileInterval().isZero()) {
            return () -> {};
        }
        return new PeriodicReconciler(reconciler, lease, lock, config.reconcileInterval()).start();
    }

    /** Names this process in shard leases and job locks: host, pid and a random suffix so a restarted pid never matches. */
    private static String instanceId() {
        return ManagementFactory.getRuntimeMXBean().getName() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * A new index, one that may have missed writes before a crash, or one whose last rebuild did not finish: build it
     * from the store, the truth. Should this fail, the index still asks for it at the next open.
     */
    private static void rebuild(DefaultChatSystem system) {
        log.info("search index is new, incomplete or was not closed cleanly; building it from the store");
        ReindexReport report = system.reindex(Optional.empty(), ReindexListener.NONE);
        log.info(
                "search index rebuilt: {} messages in {} ms",
                report.indexed(),
                report.took().toMillis());
    }

    private static <T extends AutoCloseable> T remember(Deque<AutoCloseable> opened, T resource) {
        opened.push(resource);
        return resource;
    }

    private static void closeAll(Deque<AutoCloseable> opened) {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                log.warn("closing after a failed open: {}", e.toString());
            }
        }
    }
}
