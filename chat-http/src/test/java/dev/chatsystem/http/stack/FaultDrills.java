package dev.chatsystem.http.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.search.QueryWords;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * The fault drills of {@code bench/faults}: each one runs a steady create load against server processes on a fresh
 * {@link StackWorld}, injects one fault and reports one row of {@code bench/results/faults.md} (acknowledged creates,
 * what MySQL and Elasticsearch hold of them, duplicates, gaps, recovery time). Tagged {@code drill}: only the
 * {@code drills} Maven profile runs them, never {@code mvn verify}.
 */
@Tag("drill")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class FaultDrills {
    private static final Duration OUTAGE =
            Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault("DRILL_OUTAGE_SECONDS", "60")));
    private static final Duration CATCH_UP = Duration.ofSeconds(120);
    private static final Duration PACE = Duration.ofMillis(5);
    private static final int CHATS = 4;
    private static final int THREADS = 4;
    private static final int KILLS = 10;
    /** The most the kills may take (they took 36 s): past it the drill fails, as it would pass on fewer kills. */
    private static final Duration KILL_BUDGET = Duration.ofSeconds(90);

    private static final int FUZZ_REQUESTS = 10_000;
    private static final int LONG_APPLICATIONS = 8;
    private static final int LONG_BODY_CHARS = 60_000;
    private static final int LONG_BACKLOG = 2_400;
    private static final int LONG_SEARCHES = 128;
    private static final int LONG_SEARCHERS = 32;
    private static final Duration PAST_THE_BOUND = Duration.ofSeconds(5);
    /** The loss a drill allows: none. */
    private static final OptionalLong NO_LOSS = OptionalLong.empty();
    /** A key of the AOF drill's own Redis that no server reads. */
    private static final String SENTINEL_KEY = "drill:aof-sentinel";

    private static final Path RESULTS =
            Path.of(System.getProperty("user.dir")).getParent().resolve("bench/results/faults.md");

    @TempDir
    static Path workDir;

    private static final List<Row> ROWS = Collections.synchronizedList(new ArrayList<>());

    /** One line of the table. */
    record Row(
            String drill,
            long acknowledged,
            long stored,
            long indexed,
            long duplicates,
            long gaps,
            String recovery,
            String verdict,
            String note) {}

    @Test
    @Order(1)
    void killWorkers() throws Exception {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            StackWorld world = track(resources, StackWorld.create(6));
            ServerProcess api = track(resources, ServerProcess.start("api", world.environment("api"), workDir));
            ServerProcess[] workers = {
                track(resources, ServerProcess.start("worker-1", world.environment("worker"), workDir)),
                track(resources, ServerProcess.start("worker-2", world.environment("worker"), workDir))
            };
            Api client = new Api(api.baseUrl());
            String token = application(client, world);
            Load load = track(resources, Load.start(client, token, CHATS, THREADS, "worker", PACE));
            Thread.sleep(2_000);
            long deadline = System.nanoTime() + KILL_BUDGET.toNanos();
            int kills = 0;
            Random random = new Random(1);
            while (kills < KILLS && System.nanoTime() < deadline) {
                ServerProcess worker = workers[kills % 2];
                Thread.sleep(1_000 + random.nextInt(1_500));
                worker.kill();
                kills++;
                worker.restart();
            }
            long faultEnd = System.nanoTime();
            load.stop();
            Row row = record(
                    "kill -9 a worker (" + KILLS + "×, alternating between 2 workers)",
                    world,
                    token,
                    load,
                    faultEnd,
                    a -> true,
                    NO_LOSS,
                    kills + " kills in " + seconds(deadline - KILL_BUDGET.toNanos(), faultEnd)
                            + ", each followed by a restart; non-201 answers: "
                            + load.failures().size());
            Row checked = withVerdict(
                    row,
                    kills == KILLS
                            ? row.verdict()
                            : "FAIL (" + kills + " kills within " + KILL_BUDGET.toSeconds() + " s)");
            ROWS.set(ROWS.indexOf(row), checked);
            assertThat(checked.verdict()).as(checked.note()).startsWith("PASS");
        } finally {
            closeAll(resources);
        }
    }

    @Test
    @Order(2)
    void killAnApi() throws Exception {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            StackWorld world = track(resources, StackWorld.create(7));
            track(resources, ServerProcess.start("worker", world.environment("worker"), workDir));
            ServerProcess doomed = track(resources, ServerProcess.start("api-1", world.environment("api"), workDir));
            ServerProcess survivor = track(resources, ServerProcess.start("api-2", world.environment("api"), workDir));
            Api first = new Api(doomed.baseUrl());
            Api second = new Api(survivor.baseUrl());
            String token = application(second, world);
            Load loadA = track(resources, Load.start(first, token, CHATS, THREADS / 2, "apione", PACE));
            Load loadB = track(resources, Load.start(second, token, CHATS, THREADS / 2, "apitwo", PACE));
            Thread.sleep(3_000);
            doomed.kill();
            int survivorBefore = loadB.acknowledgedCount();
            Thread.sleep(5_000);
            int survivorDuring = loadB.acknowledgedCount() - survivorBefore;
            doomed.restart();
            long faultEnd = System.nanoTime();
            loadA.stop();
            loadB.stop();
            record(
                    "kill -9 one of 2 API processes",
                    world,
                    Map.of(token, List.of(loadA, loadB)),
                    faultEnd,
                    a -> true,
                    NO_LOSS,
                    "down 5 s, then restarted; the survivor acknowledged " + survivorDuring
                            + " meanwhile; failed requests to the killed one: "
                            + loadA.failures().size() + " (not acknowledged)");
        } finally {
            closeAll(resources);
        }
    }

    @Test
    @Order(3)
    void flushRedis() throws Exception {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            StackWorld world = track(resources, StackWorld.create(8));
            ServerProcess server = track(resources, ServerProcess.start("all", world.environment("all"), workDir));
            Api client = new Api(server.baseUrl());
            String token = application(client, world);
            Load load = track(resources, Load.start(client, token, CHATS, THREADS, "flush", PACE));
            Thread.sleep(3_000);
            long queued = world.flushRedisCountingBacklog();
            long flushed = System.nanoTime();
            // Read right after the flush: every number stored before it, and those of batches read before it and
            // committed since (numbered before the flush too: the new numbering must pass them as well). A read before
            // the flush missed what committed in between, which weakened the check. A batch committing after this read
            // is still missed (the reseed waits a second for such batches). A create queued after the flush needs a
            // reseed, a worker's read and a commit: none is stored in the milliseconds before this read.
            Map<Long, Long> persistedMax = maxima(world.storedBodies(token));
            Thread.sleep(5_000);
            long faultEnd = System.nanoTime();
            load.stop();
            long window = flushed + Duration.ofMillis(200).toNanos();
            List<Load.Ack> after =
                    load.acks().stream().filter(a -> a.at() > window).toList();
            long belowMax = after.stream()
                    .filter(a -> a.number() <= persistedMax.getOrDefault(a.chat(), 0L))
                    .count();
            Row row = record(
                    "Redis FLUSHDB (= FLUSHALL) under load",
                    world,
                    token,
                    load,
                    faultEnd,
                    a -> a.at() > window,
                    OptionalLong.of(queued),
                    "numbers given after the flush at or below the persisted maximum: " + belowMax
                            + "; acknowledged numbers given twice: " + reissued(load.acks()));
            Row checked = withVerdict(row, belowMax == 0 ? row.verdict() : "FAIL (numbering went back)");
            ROWS.set(ROWS.indexOf(row), checked);
            assertThat(checked.verdict()).as(checked.note()).startsWith("PASS");
        } finally {
            closeAll(resources);
        }
    }

    @Test
    @Order(4)
    void restartRedisWithAof() throws Exception {
        List<AutoCloseable> resources = new ArrayList<>();
        Process[] redis = new Process[1];
        try {
            Path dir = Files.createDirectories(workDir.resolve("redis-aof"));
            int port = ServerProcess.freePort();
            redis[0] = startRedis(port, dir);
            resources.add(() -> redis[0].destroyForcibly().waitFor());
            StackWorld world = track(resources, StackWorld.create(6));
            Map<String, String> environment = new HashMap<>(world.environment("all"));
            environment.put("CHAT_REDIS_URL", "redis://127.0.0.1:" + port + "/0");
            ServerProcess server = track(resources, ServerProcess.start("aof", environment, workDir));
            Api client = new Api(server.baseUrl());
            String token = application(client, world);
            Load load = track(resources, Load.start(client, token, CHATS, THREADS, "aof", PACE));
            Thread.sleep(3_000);
            String sentinel = "drill sentinel " + System.nanoTime();
            long queued;
            try (RedisClient redisClient = RedisClient.create("127.0.0.1", port)) {
                // Acknowledged once appended and fsynced (appendfsync always), so found after the restart only if Redis
                // replayed its AOF: a Redis restarted empty, reseeded from MySQL, would pass the other checks too.
                redisClient.set(SENTINEL_KEY, sentinel);
                queued = PersistBacklog.of(redisClient);
            }
            redis[0].destroyForcibly().waitFor();
            long killed = System.nanoTime();
            Thread.sleep(2_000);
            redis[0] = startRedis(port, dir);
            long restarted = System.nanoTime();
            boolean replayed;
            try (RedisClient redisClient = RedisClient.create("127.0.0.1", port)) {
                replayed = sentinel.equals(redisClient.get(SENTINEL_KEY));
            }
            Thread.sleep(3_000);
            long faultEnd = System.nanoTime();
            load.stop();
            Row row = record(
                    "kill -9 Redis (AOF, appendfsync always), restart",
                    world,
                    token,
                    load,
                    faultEnd,
                    a -> true,
                    NO_LOSS,
                    "own redis-server on port " + port + ", down " + seconds(killed, restarted)
                            + " (creates refused meanwhile: " + load.failures().size() + "); load ran 3 s more; "
                            + queued + " entries queued for persistence just before the kill; a key written before"
                            + " the kill read back after the restart (the AOF replayed): " + (replayed ? "yes" : "NO"));
            Row checked = withVerdict(row, replayed ? row.verdict() : "FAIL (the AOF was not replayed)");
            ROWS.set(ROWS.indexOf(row), checked);
            assertThat(checked.verdict()).as(checked.note()).startsWith("PASS");
        } finally {
            closeAll(resources);
        }
    }

    @Test
    @Order(5)
    void stopElasticsearch() throws Exception {
        outage("Elasticsearch stopped " + OUTAGE.toSeconds() + " s (proxy cut)", true);
    }

    @Test
    @Order(6)
    void stopMySql() throws Exception {
        outage("MariaDB stopped " + OUTAGE.toSeconds() + " s (proxy cut)", false);
    }

    private void outage(String drill, boolean elasticsearch) throws Exception {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            StackWorld world = track(resources, StackWorld.create(elasticsearch ? 7 : 8));
            InetSocketAddress database = world.databaseServer();
            TcpProxy mysql = track(resources, TcpProxy.start(database.getHostString(), database.getPort()));
            TcpProxy search = track(
                    resources, TcpProxy.start(world.elasticsearchUrl.getHost(), world.elasticsearchUrl.getPort()));
            Map<String, String> environment =
                    world.environment("all", world.databaseUrlAt(mysql.port()), "http://127.0.0.1:" + search.port());
            ServerProcess server = track(resources, ServerProcess.start("outage", environment, workDir));
            Api client = new Api(server.baseUrl());
            String token = application(client, world);
            Load load = track(
                    resources, Load.start(client, token, CHATS, THREADS, elasticsearch ? "search" : "store", PACE));
            Thread.sleep(3_000);
            TcpProxy cut = elasticsearch ? search : mysql;
            long rowsAtCut = world.storedMessages(token).rows();
            long docsAtCut = world.indexedMessages(token);
            int acksAtCut = load.acknowledgedCount();
            cut.cut();
            Thread.sleep(OUTAGE);
            long rowsAtRestore = world.storedMessages(token).rows();
            long docsAtRestore = world.indexedMessages(token);
            int acksDuring = load.acknowledgedCount() - acksAtCut;
            cut.restore();
            long faultEnd = System.nanoTime();
            load.stop();
            record(
                    drill,
                    world,
                    token,
                    load,
                    faultEnd,
                    a -> true,
                    NO_LOSS,
                    "during the outage: " + acksDuring + " acknowledged, MySQL rows +"
                            + (rowsAtRestore - rowsAtCut) + ", ES docs +" + (docsAtRestore - docsAtCut)
                            + "; non-201 answers: " + load.failures().size());
        } finally {
            closeAll(resources);
        }
    }

    @Test
    @Order(7)
    void fuzz() throws Exception {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            StackWorld world = track(resources, StackWorld.create(6));
            ServerProcess server = track(resources, ServerProcess.start("fuzz", world.environment("all"), workDir));
            Api client = new Api(server.baseUrl());
            String token = application(client, world);
            String target = client.createApplication("fuzz target");
            client.createChat(target);
            Load load = track(resources, Load.start(client, token, CHATS, 2, "fuzz", PACE));
            Fuzzer fuzzer = new Fuzzer(server.baseUrl(), target);
            long started = System.nanoTime();
            fuzzer.run(FUZZ_REQUESTS);
            SlowClients slowClients = new SlowClients(server.baseUrl(), target);
            slowClients.run();
            long faultEnd = System.nanoTime();
            int health = client.health().status();
            int create = client.createMessage(target, 1, "after the fuzz").status();
            load.stop();
            Row row = record(
                    "fuzz: " + FUZZ_REQUESTS + " malformed requests, then slow clients",
                    world,
                    token,
                    load,
                    faultEnd,
                    a -> true,
                    NO_LOSS,
                    fuzzer.summary() + "; " + slowClients.summary() + "; in " + seconds(started, faultEnd)
                            + "; after: /health " + health + ", create " + create);
            boolean healthy = fuzzer.serverErrors.get() == 0
                    && fuzzer.unanswered() == 0
                    && slowClients.problems().isEmpty()
                    && health == 200
                    && create == 201;
            Row checked = withVerdict(row, healthy ? row.verdict() : "FAIL");
            ROWS.set(ROWS.indexOf(row), checked);
            assertThat(checked.verdict()).as(checked.note()).startsWith("PASS");
        } finally {
            closeAll(resources);
        }
    }

    /**
     * Bodies near the 64 KB limit: a backlog of them queued while no worker runs, drained by a worker of 256 MB heap
     * (reads bounded by entries alone filled it: OutOfMemoryError, nothing acknowledged), then searches each returning
     * every long message of a chat, many at once, from an API process of 256 MB (they filled it too).
     */
    @Test
    @Order(8)
    void longBodies() throws Exception {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            StackWorld world = track(resources, StackWorld.create(6));
            ApiAndWorker processes = startApiAndWorker(resources, world, "long");
            ServerProcess worker = processes.worker();
            Api client = processes.client();
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < LONG_APPLICATIONS; i++) {
                tokens.add(application(client, world));
            }
            worker.kill(); // the backlog builds up with no worker running
            String word = "lorem ipsum dolor sit amet ".repeat(LONG_BODY_CHARS / 27);
            List<Load> loads = new ArrayList<>();
            for (String token : tokens) {
                loads.add(track(resources, Load.start(client, token, CHATS, 1, word, Duration.ZERO)));
            }
            Await.until(
                    Duration.ofSeconds(120),
                    "a backlog of long bodies",
                    () -> 0,
                    () -> loads.stream().mapToInt(Load::acknowledgedCount).sum() >= LONG_BACKLOG);
            loads.forEach(Load::stop);
            long restarted = System.nanoTime();
            worker.restart();
            Map<String, List<Load>> loadsByToken = new HashMap<>();
            for (int i = 0; i < tokens.size(); i++) {
                loadsByToken.put(tokens.get(i), List.of(loads.get(i)));
            }
            long failures = loads.stream().mapToLong(l -> l.failures().size()).sum();
            Row row = record(
                    "long bodies: a backlog of ~60 KB messages, then " + LONG_SEARCHES + " searches returning them",
                    world,
                    loadsByToken,
                    restarted,
                    a -> true,
                    NO_LOSS,
                    "queued with no worker running, drained by one worker process of 256 MB heap; non-201 answers: "
                            + failures);
            SearchTally searches =
                    searchLongBodies(client, tokens.getFirst(), loads.getFirst().acks());
            int health = client.health().status();
            Row searched = withVerdictAndNote(
                    row,
                    searches.complete() == LONG_SEARCHES && health == 200 ? row.verdict() : "FAIL",
                    row.note() + "; then " + LONG_SEARCHES + " searches (limit 1000, " + LONG_SEARCHERS
                            + " at a time) each returning every message of a chat, " + searches.summary()
                            + "; after: /health " + health);
            ROWS.set(ROWS.indexOf(row), searched);
            assertThat(searched.verdict()).as(searches.summary()).startsWith("PASS");
        } finally {
            closeAll(resources);
        }
    }

    /**
     * A shard's stream reaching its memory bound ({@code RedisBackend.MAX_STREAM_BYTES}) with no worker running: creates
     * of long bodies keep coming for {@link #PAST_THE_BOUND} after the first refusal, every one of them refused with
     * 503, the stream stays near the bound, and everything acknowledged is stored and indexed once a worker returns.
     */
    @Test
    @Order(9)
    void streamAtItsMemoryBound() throws Exception {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            StackWorld world = track(resources, StackWorld.create(6));
            ApiAndWorker processes = startApiAndWorker(resources, world, "bound");
            ServerProcess worker = processes.worker();
            Api client = processes.client();
            String token = application(client, world);
            worker.kill(); // the stream of the application's shard fills up with no worker running
            long usedBefore = world.redisUsedMemory();
            String word = "lorem ipsum dolor sit amet ".repeat(LONG_BODY_CHARS / 27);
            Load load = track(resources, Load.start(client, token, CHATS, THREADS, word, Duration.ZERO));
            Await.until(
                    Duration.ofSeconds(120),
                    "a refusal",
                    () -> 0,
                    () -> !load.failures().isEmpty());
            Thread.sleep(PAST_THE_BOUND.toMillis());
            load.stop();
            long streamBytes = world.largestStreamMemory();
            long usedAtBound = world.redisUsedMemory();
            List<String> failures = load.failures();
            long refusedFull = failures.stream()
                    .filter(f -> f.startsWith("503 ") && f.contains("queue is full"))
                    .count();
            long restarted = System.nanoTime();
            worker.restart();
            Row row = record(
                    "a shard's stream at its memory bound (128 MiB), creates of ~60 KB bodies going on "
                            + PAST_THE_BOUND.toSeconds() + " s past the first refusal",
                    world,
                    token,
                    load,
                    restarted,
                    a -> true,
                    NO_LOSS,
                    "no worker running: " + refusedFull + " creates answered 503 (queue full), other non-201: "
                            + (failures.size() - refusedFull) + "; the stream measured " + mib(streamBytes)
                            + " MiB at the end, Redis used_memory +" + mib(usedAtBound - usedBefore)
                            + " MiB (stream and pending bodies); drained by one worker process");
            boolean bounded = refusedFull == failures.size() && streamBytes < 2 * (128L << 20);
            Row checked = withVerdictAndNote(row, bounded ? row.verdict() : "FAIL", row.note());
            ROWS.set(ROWS.indexOf(row), checked);
            assertThat(checked.verdict()).as(checked.note()).startsWith("PASS");
        } finally {
            closeAll(resources);
        }
    }

    /** A client of an API process, and a worker process, both on {@code world} and tracked in {@code resources}. */
    private record ApiAndWorker(Api client, ServerProcess worker) {}

    private static ApiAndWorker startApiAndWorker(List<AutoCloseable> resources, StackWorld world, String name) {
        ServerProcess api = track(resources, ServerProcess.start(name + "-api", world.environment("api"), workDir));
        ServerProcess worker =
                track(resources, ServerProcess.start(name + "-worker", world.environment("worker"), workDir));
        return new ApiAndWorker(new Api(api.baseUrl()), worker);
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }

    /** How the searches of {@link #longBodies} went: complete answers, other statuses, bytes answered. */
    private record SearchTally(int complete, Map<Integer, Integer> statuses, long megabytes, String took) {
        String summary() {
            return complete + " complete, statuses " + statuses + ", " + megabytes + " MB answered in " + took;
        }
    }

    private static SearchTally searchLongBodies(Api client, String token, List<Load.Ack> acks) throws Exception {
        Map<Long, Long> perChat = new HashMap<>();
        for (Load.Ack ack : acks) {
            perChat.merge(ack.chat(), 1L, Long::sum);
        }
        Map<Integer, Integer> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger complete = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
        long started = System.nanoTime();
        List<Thread> searchers = new ArrayList<>();
        for (int t = 0; t < LONG_SEARCHERS; t++) {
            int first = t;
            searchers.add(Thread.ofVirtual().start(() -> {
                for (int i = first; i < LONG_SEARCHES; i += LONG_SEARCHERS) {
                    long chat = 1 + i % CHATS;
                    Api.Reply reply = client.search(token, chat, "dolor");
                    statuses.merge(reply.status(), 1, Integer::sum);
                    if (reply.status() == 200 && reply.json().size() == perChat.getOrDefault(chat, 0L)) {
                        complete.incrementAndGet();
                    }
                    bytes.addAndGet(reply.text() == null ? 0 : reply.text().length());
                }
            }));
        }
        for (Thread searcher : searchers) {
            searcher.join(Duration.ofMinutes(3));
        }
        return new SearchTally(
                complete.get(), Map.copyOf(statuses), bytes.get() >> 20, seconds(started, System.nanoTime()));
    }

    @AfterAll
    static void writeTable() throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("# Fault drills\n\n")
                .append("`bench/faults` (the `drills` profile of chat-http, class `FaultDrills`). Every drill runs ")
                .append(THREADS)
                .append(" client threads creating messages in ")
                .append(CHATS)
                .append(" chats of one application (one create per thread every ")
                .append(PACE.toMillis())
                .append(" ms at most) against `dev.chatsystem.http.Main` processes on a fresh MariaDB database,")
                .append(" a Redis database and an Elasticsearch index of its own, with ")
                .append("`CHAT_SHARDS=4`.\n\n")
                .append("- **acknowledged**: creates answered 201 (only those count).\n")
                .append("- **in MySQL**: acknowledged creates stored under their number with their body.\n")
                .append(
                        "- **in ES**: acknowledged creates indexed in Elasticsearch under their id (token/chat/number) ")
                .append("with their body; a document matching no MySQL row, or a row with no document, fails the ")
                .append("drill (notes count them).\n")
                .append("- **duplicates**: rows stored twice under one number plus bodies stored under two numbers.\n")
                .append("- **gaps**: per chat, numbers missing between 1 and the highest stored number.\n")
                .append("- **recovery**: from the fault's end until every acknowledged create that must survive is ")
                .append("in MySQL and Elasticsearch holds exactly MySQL's rows (ids and bodies). The fault's end is ")
                .append("taken before the load stops, so the stop (waiting for requests in flight) counts: the last ")
                .append("restart, the proxy's restore, the fuzzer's last answer; 5 s after the flush and 3 s after ")
                .append("Redis' restart, the load running meanwhile; the worker's restart where the load ran with no ")
                .append("worker (long bodies, the stream's bound), after the load stopped.\n")
                .append("- Outages last ")
                .append(OUTAGE.toSeconds())
                .append(" s.\n\n")
                .append(
                        "| drill | acknowledged | in MySQL | in ES | duplicates | gaps | recovery | verdict | notes |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---|---|\n");
        synchronized (ROWS) {
            for (Row row : ROWS) {
                out.append("| ")
                        .append(String.join(
                                " | ",
                                row.drill(),
                                Long.toString(row.acknowledged()),
                                Long.toString(row.stored()),
                                Long.toString(row.indexed()),
                                Long.toString(row.duplicates()),
                                Long.toString(row.gaps()),
                                row.recovery(),
                                row.verdict(),
                                row.note()))
                        .append(" |\n");
            }
        }
        Files.createDirectories(RESULTS.getParent());
        Files.writeString(RESULTS, out.toString(), StandardCharsets.UTF_8);
        System.out.println(out);
    }

    /**
     * Waits for the catch-up, measures what the backends hold of {@code load}'s acknowledged creates (it has stopped)
     * and adds the row; fails the drill on a FAIL. Every acknowledged create must be stored, or with {@code
     * allowedLoss} every one {@code mustSurvive} and at most that many others. Recovery runs from {@code faultEnd}.
     */
    private static Row record(
            String drill,
            StackWorld world,
            String token,
            Load load,
            long faultEnd,
            Predicate<Load.Ack> mustSurvive,
            OptionalLong allowedLoss,
            String note) {
        return record(drill, world, Map.of(token, List.of(load)), faultEnd, mustSurvive, allowedLoss, note);
    }

    /**
     * {@link #record} over several applications, each with the loads that created its messages, summed into one row. A
     * request of a load that threw ({@link Load#errors}) fails the row: the acknowledged creates may be incomplete.
     */
    private static Row record(
            String drill,
            StackWorld world,
            Map<String, List<Load>> loadsByToken,
            long faultEnd,
            Predicate<Load.Ack> mustSurvive,
            OptionalLong allowedLoss,
            String note) {
        Map<String, List<Load.Ack>> acksByToken = new HashMap<>();
        List<String> loadErrors = new ArrayList<>();
        loadsByToken.forEach((token, loads) -> {
            acksByToken.put(
                    token, loads.stream().flatMap(l -> l.acks().stream()).toList());
            loads.forEach(l -> loadErrors.addAll(l.errors()));
        });
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        String recovery = "> " + CATCH_UP.toSeconds() + " s";
        Map<String, Tally> tallies;
        while (true) {
            tallies = new HashMap<>();
            boolean overdue = System.nanoTime() > deadline;
            // Counting first: loading every body on each poll would compete with the catch-up it waits for.
            boolean caughtUp = overdue || countsCaughtUp(world, acksByToken, mustSurvive);
            for (Map.Entry<String, List<Load.Ack>> app : acksByToken.entrySet()) {
                if (!caughtUp && !overdue) {
                    break;
                }
                Tally tally = Tally.of(world, app.getKey(), app.getValue(), mustSurvive);
                tallies.put(app.getKey(), tally);
                caughtUp &= tally.caughtUp();
            }
            if (caughtUp && !overdue) {
                recovery = String.format("%.1f s", (System.nanoTime() - faultEnd) / 1e9);
                break;
            }
            if (overdue) {
                break;
            }
            sleep(250);
        }
        long acknowledged = 0;
        long storedAcks = 0;
        long lost = 0;
        long lostMust = 0;
        long duplicates = 0;
        long gaps = 0;
        long indexedAcks = 0;
        long missingFromIndex = 0;
        long unindexedRows = 0;
        long extraInIndex = 0;
        List<String> unreadable = new ArrayList<>();
        long rows = 0;
        for (Tally tally : tallies.values()) {
            acknowledged += tally.acknowledged();
            storedAcks += tally.storedAcks();
            lost += tally.acknowledged() - tally.storedAcks();
            lostMust += tally.lostMust();
            duplicates += tally.duplicates();
            gaps += tally.gaps();
            indexedAcks += tally.index().indexedAcks();
            missingFromIndex += tally.index().missingMust();
            unindexedRows += tally.index().unindexedRows();
            extraInIndex += tally.index().extra();
            if (tally.index().unreadable() != null) {
                unreadable.add(tally.index().unreadable());
            }
            rows += tally.rows();
        }
        boolean recovered = !recovery.startsWith(">");
        boolean indexMatches = unreadable.isEmpty() && missingFromIndex == 0 && unindexedRows == 0 && extraInIndex == 0;
        boolean ledgerComplete = loadErrors.isEmpty();
        String verdict;
        String fullNote = note;
        if (allowedLoss.isPresent()) {
            boolean bounded = lost <= allowedLoss.getAsLong();
            verdict = bounded
                            && lostMust == 0
                            && duplicates == 0
                            && gaps == 0
                            && recovered
                            && indexMatches
                            && ledgerComplete
                    ? "PASS (loss window)"
                    : "FAIL" + (bounded ? "" : " (lost " + lost + " > queued " + allowedLoss.getAsLong() + ")");
            fullNote = "lost by design: " + lost + (bounded ? " ≤ " : " > ") + "queued " + allowedLoss.getAsLong()
                    + " (entries the persist stage had not stored, read in the flush's own transaction); " + note;
        } else {
            verdict = lost == 0 && duplicates == 0 && gaps == 0 && recovered && indexMatches && ledgerComplete
                    ? "PASS"
                    : "FAIL (" + lost + " acknowledged not stored, " + missingFromIndex + " not indexed)";
        }
        if (!ledgerComplete) {
            fullNote += "; client requests that threw (an acknowledged create may be missing from the count): "
                    + loadErrors.size() + ", e.g. " + cell(loadErrors.getFirst());
        }
        if (rows != storedAcks) {
            fullNote += "; MySQL rows in all: " + rows;
        }
        if (!indexMatches) {
            fullNote += "; Elasticsearch: " + missingFromIndex + " acknowledged creates that must survive missing, "
                    + unindexedRows + " MySQL rows not indexed, " + extraInIndex + " documents matching no row"
                    + (unreadable.isEmpty() ? "" : ", unreadable: " + cell(String.join(" / ", unreadable)));
        }
        Row row = new Row(drill, acknowledged, storedAcks, indexedAcks, duplicates, gaps, recovery, verdict, fullNote);
        ROWS.add(row);
        System.out.println("drill: " + row);
        assertThat(verdict).as(drill).startsWith("PASS");
        return row;
    }

    /** Whether every application has at least as many rows as creates that must survive, and as many documents. */
    private static boolean countsCaughtUp(
            StackWorld world, Map<String, List<Load.Ack>> acksByToken, Predicate<Load.Ack> mustSurvive) {
        for (Map.Entry<String, List<Load.Ack>> app : acksByToken.entrySet()) {
            long rows = world.storedMessages(app.getKey()).rows();
            long must = app.getValue().stream().filter(mustSurvive).count();
            if (rows < must || world.indexedMessages(app.getKey()) != rows) {
                return false;
            }
        }
        return true;
    }

    /**
     * What the backends hold of one application's acknowledged creates: MySQL's rows by (chat/number, body), and
     * Elasticsearch's documents by id and body, each compared with the acknowledged creates and with MySQL's rows.
     */
    private record Tally(
            long acknowledged,
            long storedAcks,
            long lostMust,
            long duplicates,
            long gaps,
            Index index,
            long rows,
            boolean caughtUp) {

        static Tally of(StackWorld world, String token, List<Load.Ack> acks, Predicate<Load.Ack> mustSurvive) {
            List<Load.Ack> must = acks.stream().filter(mustSurvive).toList();
            List<Map.Entry<String, String>> stored = world.storedBodies(token);
            Set<Map.Entry<String, String>> present = new HashSet<>(stored);
            long storedAcks = acks.stream()
                    .filter(a -> present.contains(Map.entry(a.key(), a.body())))
                    .count();
            long storedMust = must.stream()
                    .filter(a -> present.contains(Map.entry(a.key(), a.body())))
                    .count();
            Map<String, Integer> perKey = new HashMap<>();
            Map<String, Integer> perBody = new HashMap<>();
            for (Map.Entry<String, String> row : stored) {
                perKey.merge(row.getKey(), 1, Integer::sum);
                perBody.merge(row.getValue(), 1, Integer::sum);
            }
            long duplicates = perKey.values().stream().mapToLong(n -> n - 1).sum()
                    + perBody.values().stream().mapToLong(n -> n - 1).sum();
            Map<Long, Long> maxima = maxima(stored);
            Map<Long, Set<Long>> numbers = new HashMap<>();
            for (String key : perKey.keySet()) {
                String[] parts = key.split("/");
                numbers.computeIfAbsent(Long.parseLong(parts[0]), c -> new HashSet<>())
                        .add(Long.parseLong(parts[1]));
            }
            long gaps = maxima.entrySet().stream()
                    .mapToLong(e -> e.getValue() - numbers.get(e.getKey()).size())
                    .sum();
            Index index = Index.of(world, token, stored, acks, must);
            boolean caughtUp = storedMust == must.size() && index.consistent();
            return new Tally(
                    acks.size(),
                    storedAcks,
                    must.size() - storedMust,
                    duplicates,
                    gaps,
                    index,
                    stored.size(),
                    caughtUp);
        }
    }

    /**
     * Elasticsearch's documents of one application against what they must be: {@code indexedAcks} acknowledged creates
     * indexed under their number with their body, {@code missingMust} acknowledged creates that must survive and are
     * not, {@code unindexedRows} MySQL rows with no such document, {@code extra} documents matching no MySQL row (an id
     * or a body the store does not hold). Bodies are compared as the index stores them, normalized.
     */
    private record Index(long indexedAcks, long missingMust, long unindexedRows, long extra, String unreadable) {

        static Index of(
                StackWorld world,
                String token,
                List<Map.Entry<String, String>> stored,
                List<Load.Ack> acks,
                List<Load.Ack> must) {
            Set<Map.Entry<String, String>> documents = new HashSet<>();
            String unreadable = null;
            try {
                documents.addAll(world.indexedBodies(token).entrySet());
            } catch (IllegalStateException e) {
                unreadable = e.getMessage();
            }
            Set<Map.Entry<String, String>> rows = new HashSet<>();
            for (Map.Entry<String, String> row : stored) {
                rows.add(asIndexed(row.getKey(), row.getValue()));
            }
            return new Index(
                    acks.stream().filter(a -> holds(documents, a)).count(),
                    must.stream().filter(a -> !holds(documents, a)).count(),
                    rows.stream().filter(r -> !documents.contains(r)).count(),
                    documents.stream().filter(d -> !rows.contains(d)).count(),
                    unreadable);
        }

        private static boolean holds(Set<Map.Entry<String, String>> documents, Load.Ack ack) {
            return documents.contains(asIndexed(ack.key(), ack.body()));
        }

        boolean consistent() {
            return unreadable == null && missingMust == 0 && unindexedRows == 0 && extra == 0;
        }

        private static Map.Entry<String, String> asIndexed(String key, String body) {
            return Map.entry(key, QueryWords.normalized(body));
        }
    }

    private static Row withVerdict(Row row, String verdict) {
        return withVerdictAndNote(row, verdict, row.note());
    }

    private static Row withVerdictAndNote(Row row, String verdict, String note) {
        return new Row(
                row.drill(),
                row.acknowledged(),
                row.stored(),
                row.indexed(),
                row.duplicates(),
                row.gaps(),
                row.recovery(),
                verdict,
                note);
    }

    private static long reissued(List<Load.Ack> acks) {
        Set<String> seen = new HashSet<>();
        return acks.stream().filter(a -> !seen.add(a.key())).count();
    }

    private static Map<Long, Long> maxima(List<Map.Entry<String, String>> stored) {
        Map<Long, Long> maxima = new HashMap<>();
        for (Map.Entry<String, String> row : stored) {
            String[] parts = row.getKey().split("/");
            maxima.merge(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Math::max);
        }
        return maxima;
    }

    /** An application with {@link #CHATS} chats, persisted (so a MySQL outage does not hide them). */
    private static String application(Api api, StackWorld world) {
        String token = api.createApplication("drill");
        for (int chat = 1; chat <= CHATS; chat++) {
            assertThat(api.createChat(token).status()).isEqualTo(201);
        }
        Await.until(Duration.ofSeconds(20), "chats persisted", () -> 0, () -> {
            Api.Reply chats = api.get("/api/v1/applications/" + token + "/chats");
            return chats.ok() && chats.json().size() == CHATS;
        });
        return token;
    }

    private static Process startRedis(int port, Path dir) throws IOException {
        Process process = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--appendonly",
                        "yes",
                        "--appendfsync",
                        "always",
                        "--save",
                        "",
                        "--dir",
                        dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        workDir.resolve("redis.log").toFile()))
                .start();
        Await.until(Duration.ofSeconds(20), "redis-server answers PING", () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                socket.setSoTimeout(1_000);
                socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] answer = new byte[7];
                int n = socket.getInputStream().read(answer);
                return n > 0 && new String(answer, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
            } catch (IOException e) {
                return false;
            }
        });
        return process;
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> resources, T resource) {
        resources.add(resource);
        return resource;
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception | AssertionError e) { // a load's threads that would not stop: close the rest anyway
                System.err.println("closing: " + e);
            }
        }
    }

    /** {@code text} fit for a cell of the table: on one line, its pipes escaped. */
    private static String cell(String text) {
        return text.replaceAll("[\\r\\n]+", " ").replace("|", "\\|");
    }

    private static String seconds(long from, long to) {
        return String.format("%.1f s", (to - from) / 1e9);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
