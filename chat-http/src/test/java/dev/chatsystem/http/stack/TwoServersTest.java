package dev.chatsystem.http.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two API+worker processes sharing MySQL, Redis and Elasticsearch, driven concurrently over HTTP. */
@Timeout(180)
class TwoServersTest {
    private static final int THREADS = 16;
    private static final int ROUNDS_PER_THREAD = 30;

    @TempDir
    static Path workDir;

    /** CHAT_QUEUE_SHARD_MAX_MB of both servers: not the default, to show the setting reaches the Redis backend. */
    static final long QUEUE_SHARD_MIB = 64;

    static StackWorld world;
    static ServerProcess first;
    static ServerProcess second;
    static Api a;
    static Api b;

    @BeforeAll
    static void startServers() {
        world = StackWorld.create(11);
        Map<String, String> environment = new HashMap<>(world.environment("all"));
        environment.put("CHAT_QUEUE_SHARD_MAX_MB", Long.toString(QUEUE_SHARD_MIB));
        first = ServerProcess.start("first", environment, workDir);
        second = ServerProcess.start("second", environment, workDir);
        a = new Api(first.baseUrl());
        b = new Api(second.baseUrl());
    }

    @AfterAll
    static void stopServers() {
        for (AutoCloseable closeable : new AutoCloseable[] {second, first, world}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                System.err.println("closing: " + e);
            }
        }
    }

    @Test
    void metricsGiveEachShardsStreamMemoryAsLastMeasuredAndTheConfiguredBound() {
        for (Api server : List.of(a, b)) {
            String metrics = server.get("/metrics").text();
            assertThat(metrics).contains("writes are refused at " + (QUEUE_SHARD_MIB << 20));
            for (int shard = 0; shard < StackWorld.SHARDS; shard++) {
                assertThat(metrics).containsPattern("chat_queue_stream_bytes\\{shard=\"" + shard + "\"\\} [0-9.E]+\n");
            }
        }
    }

    @Test
    void concurrentCreatesOnBothServersAreUniqueGapFreePersistedCountedAndSearchable() throws Exception {
        List<String> tokens = List.of(a.createApplication("one"), b.createApplication("two"));
        Map<String, AtomicLong> highestChat = new ConcurrentHashMap<>();
        Map<String, Set<Long>> chats = new ConcurrentHashMap<>();
        Map<String, Set<Long>> messages = new ConcurrentHashMap<>(); // token/chat -> numbers
        for (String token : tokens) {
            assertThat(a.createChat(token).status()).isEqualTo(201);
            highestChat.put(token, new AtomicLong(1));
            chats.put(token, ConcurrentHashMap.newKeySet());
            chats.get(token).add(1L);
        }
        Queue failures = new Queue();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> done = new ArrayList<>();
        long started = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                for (int round = 0; round < ROUNDS_PER_THREAD; round++) {
                    Api server = (thread + round) % 2 == 0 ? a : b;
                    String token = tokens.get((thread + round / 2) % 2);
                    if (round % 2 == 0) {
                        Api.Reply reply = server.createChat(token);
                        if (reply.status() != 201) {
                            failures.add("chat " + reply);
                            continue;
                        }
                        long number = reply.number("chat_number");
                        failures.check(chats.get(token).add(number), "chat number twice: " + number);
                        highestChat.get(token).accumulateAndGet(number, Math::max);
                    } else {
                        long chat = ThreadLocalRandom.current()
                                .nextLong(1, highestChat.get(token).get() + 1);
                        Api.Reply reply = server.createMessage(token, chat, "zebra crossing t" + thread + "r" + round);
                        if (reply.status() != 201) {
                            failures.add("message " + reply);
                            continue;
                        }
                        long number = reply.number("message_number");
                        Set<Long> numbers =
                                messages.computeIfAbsent(token + "/" + chat, k -> ConcurrentHashMap.newKeySet());
                        failures.check(numbers.add(number), "message number twice: " + chat + "/" + number);
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        pool.shutdown();
        Duration load = Duration.ofNanos(System.nanoTime() - started);
        assertThat(failures.all()).isEmpty();
        for (String token : tokens) {
            assertThat(chats.get(token))
                    .containsExactlyInAnyOrderElementsOf(range(chats.get(token).size()));
        }
        messages.forEach((key, numbers) -> assertThat(numbers)
                .as("message numbers of %s", key)
                .containsExactlyInAnyOrderElementsOf(range(numbers.size())));

        Duration persisted = Await.until(
                Duration.ofSeconds(30),
                "every message listed by both servers",
                () -> messages.keySet(),
                () -> allListed(a, messages) && allListed(b, messages));
        Duration counted = Await.until(
                Duration.ofSeconds(5),
                "chats_count and messages_count match what was created",
                () -> counts(tokens, chats, messages),
                () -> countsMatch(tokens, chats, messages));
        Duration searchable = Await.until(
                Duration.ofSeconds(30),
                "search finds every message on both servers",
                () -> "",
                () -> allFound(a, messages) && allFound(b, messages));
        System.out.printf(
                "two servers: %d chats, %d messages created in %d ms; listed after %d ms, counted after %d ms more,"
                        + " searchable after %d ms more%n",
                chats.values().stream().mapToInt(Set::size).sum(),
                messages.values().stream().mapToInt(Set::size).sum(),
                load.toMillis(),
                persisted.toMillis(),
                counted.toMillis(),
                searchable.toMillis());
    }

    @Test
    void aChatCreatedOnOneServerIsAtOnceUsableAndReadableOnTheOther() {
        String token = a.createApplication("read-your-writes");
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        for (int round = 0; round < 500; round++) {
            Api.Reply chat = a.createChat(token);
            if (chat.status() != 201) {
                failures.add("POST chat on A: " + chat);
                continue;
            }
            long number = chat.number("chat_number");
            Api.Reply message = b.createMessage(token, number, "hello " + round);
            if (message.status() != 201) {
                failures.add("POST message into chat " + number + " on B: " + message);
                continue;
            }
            Api.Reply read = a.message(token, number, message.number("message_number"));
            if (!read.ok()) {
                failures.add("GET message of chat " + number + " on A: " + read);
            }
            Api.Reply chatRead = b.chat(token, number);
            if (!chatRead.ok() || chatRead.json().get("messages_count").asLong() != 1) {
                failures.add("GET chat " + number + " on B (messages_count 1): " + chatRead);
            }
            // Lists and counts include the caller's own writes at once too.
            Api.Reply listed = b.messages(token, number);
            if (!listed.ok() || listed.json().size() != 1) {
                failures.add("GET messages of chat " + number + " on B: " + listed);
            }
            Api.Reply app = a.get("/api/v1/applications/" + token);
            if (!app.ok() || app.json().get("chats_count").asLong() != round + 1) {
                failures.add("GET application on A (chats_count " + (round + 1) + "): " + app);
            }
            Api.Reply chats = b.get("/api/v1/applications/" + token + "/chats?after=" + (number - 1));
            if (!chats.ok() || chats.json().size() != 1) {
                failures.add("GET chats after " + (number - 1) + " on B: " + chats);
            }
        }
        System.out.printf(
                "read-your-writes: 500 rounds of 7 requests in %d ms, %d failures%n",
                (System.nanoTime() - started) / 1_000_000, failures.size());
        assertThat(failures).isEmpty();
    }

    @Test
    void twentyParallelRetriesWithOneKeyAcrossBothServersCreateOneMessage() throws Exception {
        String token = a.createApplication("idempotency");
        long chat = a.createChat(token).number("chat_number");
        String path = "/api/v1/applications/" + token + "/chats/" + chat + "/messages";
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        List<java.util.concurrent.Future<Api.Reply>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Api server = i % 2 == 0 ? a : b;
            futures.add(pool.submit(() -> server.postWithKey(path, Map.of("body", "once"), "retry-7")));
        }
        List<Api.Reply> replies = new ArrayList<>();
        for (var future : futures) {
            replies.add(future.get());
        }
        pool.shutdown();

        assertThat(replies).extracting(Api.Reply::status).containsOnly(201);
        assertThat(replies)
                .extracting(Api.Reply::json)
                .containsOnly(replies.get(0).json());
        assertThat(replies.get(0).number("message_number")).isEqualTo(1);
        assertThat(b.createMessage(token, chat, "next").number("message_number"))
                .isEqualTo(2); // no gap

        assertThat(b.postWithKey(path, Map.of("body", "different"), "retry-7").status())
                .isEqualTo(422);
        long other = b.createChat(token).number("chat_number");
        Api.Reply elsewhere = a.postWithKey(
                "/api/v1/applications/" + token + "/chats/" + other + "/messages", Map.of("body", "x"), "retry-7");
        assertThat(elsewhere.status()).isEqualTo(201);
        assertThat(elsewhere.number("message_number")).isEqualTo(1);
    }

    private static boolean allListed(Api server, Map<String, Set<Long>> messages) {
        for (Map.Entry<String, Set<Long>> entry : messages.entrySet()) {
            String[] key = entry.getKey().split("/");
            Api.Reply list = server.messages(key[0], Long.parseLong(key[1]));
            if (!list.ok() || list.json().size() != entry.getValue().size()) {
                return false;
            }
        }
        return true;
    }

    private static boolean allFound(Api server, Map<String, Set<Long>> messages) {
        for (Map.Entry<String, Set<Long>> entry : messages.entrySet()) {
            String[] key = entry.getKey().split("/");
            Api.Reply found = server.search(key[0], Long.parseLong(key[1]), "zebr");
            if (!found.ok() || found.json().size() != entry.getValue().size()) {
                return false;
            }
        }
        return true;
    }

    private static boolean countsMatch(
            List<String> tokens, Map<String, Set<Long>> chats, Map<String, Set<Long>> messages) {
        return counts(tokens, chats, messages).isEmpty();
    }

    /** What differs between the counts the API reports and what was created. */
    private static List<String> counts(
            List<String> tokens, Map<String, Set<Long>> chats, Map<String, Set<Long>> messages) {
        List<String> wrong = new ArrayList<>();
        for (String token : tokens) {
            JsonNode app = a.get("/api/v1/applications/" + token).json();
            long chatsCount = app == null ? -1 : app.get("chats_count").asLong();
            if (chatsCount != chats.get(token).size()) {
                wrong.add(token + " chats_count " + chatsCount + " != "
                        + chats.get(token).size());
            }
            for (long chat : new TreeSet<>(chats.get(token))) {
                Api.Reply reply = b.chat(token, chat);
                long expected =
                        messages.getOrDefault(token + "/" + chat, Set.of()).size();
                long actual = reply.ok() ? reply.number("messages_count") : -1;
                if (actual != expected) {
                    wrong.add(token + "/" + chat + " messages_count " + actual + " != " + expected);
                }
            }
        }
        return wrong;
    }

    private static List<Long> range(int size) {
        return LongStream.rangeClosed(1, size).boxed().toList();
    }

    /** Failures seen by the client threads. */
    private static final class Queue {
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

        void add(String failure) {
            failures.add(failure);
        }

        void check(boolean condition, String failure) {
            if (!condition) {
                add(failure);
            }
        }

        List<String> all() {
            return List.copyOf(failures);
        }
    }
}
