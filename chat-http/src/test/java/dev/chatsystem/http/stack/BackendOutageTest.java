package dev.chatsystem.http.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Elasticsearch or MySQL "stopped" for a while under load, by cutting a {@link TcpProxy} between them and an
 * API+worker process: creates keep being accepted, and everything catches up once the backend is back.
 */
@Timeout(180)
class BackendOutageTest {
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    private static final Duration PACE = Duration.ofMillis(20);

    @TempDir
    static Path workDir;

    static StackWorld world;
    static TcpProxy mysql;
    static TcpProxy elasticsearch;
    static ServerProcess server;
    static Api api;

    @BeforeAll
    static void startServer() {
        world = StackWorld.create(14);
        mysql = TcpProxy.start("127.0.0.1", 3306);
        elasticsearch = TcpProxy.start(world.elasticsearchUrl.getHost(), world.elasticsearchUrl.getPort());
        Map<String, String> environment =
                world.environment("all", world.databaseUrlAt(mysql.port()), "http://127.0.0.1:" + elasticsearch.port());
        server = ServerProcess.start("server", environment, workDir);
        api = new Api(server.baseUrl());
    }

    /** Loads a test started: one that failed midway left them running, cut off from a server that is gone. */
    private final List<Load> loads = new ArrayList<>();

    private Load running(Load load) {
        loads.add(load);
        return load;
    }

    /** A test that failed midway left its load running or a backend cut, which the next test would inherit. */
    @AfterEach
    void stopLoadsAndRestoreBackends() {
        loads.forEach(Load::stop);
        elasticsearch.restore();
        mysql.restore();
    }

    @AfterAll
    static void stopServer() {
        for (AutoCloseable closeable : new AutoCloseable[] {server, elasticsearch, mysql, world}) {
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
    void whileElasticsearchIsDownCreatesArePersistedAndSearchCatchesUpAfter() throws Exception {
        String token = api.createApplication("search outage");
        int chats = 4;
        for (int chat = 1; chat <= chats; chat++) {
            assertThat(api.createChat(token).status()).isEqualTo(201);
        }
        Load load = running(Load.start(api, token, chats, 2, "quokka", PACE));
        Await.until(Duration.ofSeconds(10), "load running", () -> 0, () -> load.acknowledgedCount() > 20);

        elasticsearch.cut();
        long cutAt = System.nanoTime();
        awaitHealth(503, "search");
        assertUnavailable(api.health(), "/health while Elasticsearch is down");
        assertSearchesUnavailable(token, chats);
        long storedAtCut = world.storedMessages(token).rows();
        Await.until(
                OUTAGE,
                "rows reaching MySQL while Elasticsearch is down",
                () -> storedAtCut,
                () -> world.storedMessages(token).rows() > storedAtCut + 50);
        while (System.nanoTime() < cutAt + OUTAGE.toNanos()) { // the outage lasts a fixed time by design
            assertSearchesUnavailable(token, chats);
            Thread.sleep(250);
        }
        elasticsearch.restore();
        load.stop();
        assertThat(load.failures()).isEmpty();
        assertThat(load.errors()).as("client requests that threw").isEmpty();
        int acknowledged = load.acknowledgedCount();

        Duration stored = Await.until(
                Duration.ofSeconds(20),
                "all stored",
                () -> world.storedMessages(token),
                () -> world.storedMessages(token).rows() == acknowledged);
        Duration searchable = Await.until(
                Duration.ofSeconds(60),
                "search finds every message",
                () -> world.indexedMessages(token),
                () -> found(token, chats, "quokka") == acknowledged);
        Map<String, String> bodies = load.acknowledgedBodies();
        assertThat(world.storedBodies(token))
                .as("rows (chat/number, body): each acknowledged create once, with the body sent, and nothing else")
                .containsExactlyInAnyOrderElementsOf(bodies.entrySet());
        Await.until(
                Duration.ofSeconds(30),
                "every acknowledged message indexed under its id with its body, and nothing else",
                () -> world.indexDifference(token, bodies),
                () -> world.indexHoldsExactly(token, bodies));
        awaitHealth(200, "search");
        System.out.printf(
                "elasticsearch outage: %d acknowledged, stored %d ms and searchable %d ms after restore%n",
                acknowledged, stored.toMillis(), stored.plus(searchable).toMillis());
    }

    @Test
    void whileMySqlIsDownCreatesAreAcceptedAndDrainedExactlyOnceAfter() throws Exception {
        String token = api.createApplication("store outage");
        int chats = 2;
        for (int chat = 1; chat <= chats; chat++) {
            assertThat(api.createChat(token).status()).isEqualTo(201);
        }
        Await.until(
                Duration.ofSeconds(20),
                "chats persisted",
                () -> 0,
                () -> api.get("/api/v1/applications/" + token + "/chats").json().size() == chats);
        String application = "/api/v1/applications/" + token;
        Load load = running(Load.start(api, token, chats, 2, "wombat", PACE));
        Await.until(Duration.ofSeconds(10), "load running", () -> 0, () -> load.acknowledgedCount() > 20);
        Await.until(
                Duration.ofSeconds(20),
                "message 1/1 persisted",
                () -> world.storedMessages(token),
                () -> world.storedBodies(token).stream()
                        .anyMatch(row -> row.getKey().equals("1/1")));

        mysql.cut();
        awaitHealth(503, "store");
        assertThat(api.createMessage(token, 99, "into no chat").status())
                .as("a create into a chat that does not exist, while MySQL is down")
                .isEqualTo(404);
        // What needs the store answers 503 with Retry-After (README, Guarantees: "MySQL down"). Each waits for a
        // connection as long as the pool allows (some 5 s), so they are sent together.
        Map<String, Supplier<Api.Reply>> needTheStore = new LinkedHashMap<>();
        needTheStore.put("/health", api::health);
        needTheStore.put(
                "an application create", () -> api.post("/api/v1/applications", Map.of("name", "created meanwhile")));
        needTheStore.put("an application rename", () -> api.put(application, Map.of("name", "renamed meanwhile")));
        needTheStore.put("an application GET", () -> api.get(application));
        needTheStore.put("a list of chats", () -> api.get(application + "/chats"));
        needTheStore.put("a list of messages", () -> api.messages(token, 1));
        needTheStore.put("a GET of a persisted chat", () -> api.chat(token, 1));
        needTheStore.put("a GET of a persisted message", () -> api.message(token, 1, 1));
        needTheStore.put(
                "an edit of a message only MySQL holds",
                () -> api.put(application + "/chats/1/messages/1", Map.of("body", "edited meanwhile")));
        Map<String, CompletableFuture<Api.Reply>> replies = new LinkedHashMap<>();
        try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
            needTheStore.forEach(
                    (what, request) -> replies.put(what, CompletableFuture.supplyAsync(request, requests)));
        }
        replies.forEach((what, reply) -> assertUnavailable(reply.join(), what + " while MySQL is down"));
        long outageEnd = System.nanoTime() + OUTAGE.toNanos();
        Map<String, String> probes = new HashMap<>();
        List<String> readFailures = new ArrayList<>();
        while (System.nanoTime() < outageEnd) {
            Api.Reply created = api.createMessage(token, 1, "wombat probe");
            assertThat(created.status())
                    .as("create while MySQL is down: %s", created)
                    .isEqualTo(201);
            long number = created.number("message_number");
            assertThat(probes.put("1/" + number, "wombat probe"))
                    .as("number given twice")
                    .isNull();
            Api.Reply read = api.message(token, 1, number);
            if (read.status() != 200) {
                readFailures.add(read.status() + " " + read.text());
            }
            Thread.sleep(PACE);
        }
        mysql.restore();
        load.stop();
        assertThat(load.failures()).isEmpty();
        assertThat(load.errors()).as("client requests that threw").isEmpty();
        assertThat(readFailures)
                .as("GET of a just-created message while MySQL is down")
                .isEmpty();
        Map<String, String> acknowledged = new HashMap<>(load.acknowledgedBodies());
        probes.forEach((key, body) -> assertThat(acknowledged.put(key, body))
                .as("number given twice: %s", key)
                .isNull());

        Duration drained = Await.until(
                Duration.ofSeconds(30),
                "all drained into MySQL",
                () -> world.storedMessages(token),
                () -> world.storedMessages(token).rows() >= acknowledged.size());
        assertThat(world.storedBodies(token))
                .as("rows (chat/number, body): each acknowledged create once, with the body sent, and nothing else")
                .containsExactlyInAnyOrderElementsOf(acknowledged.entrySet());
        Await.until(
                Duration.ofSeconds(30),
                "every acknowledged message indexed under its id with its body, and nothing else",
                () -> world.indexDifference(token, acknowledged),
                () -> world.indexHoldsExactly(token, acknowledged));
        awaitHealth(200, "store");
        System.out.printf(
                "mysql outage: %d acknowledged (%d probes read back during the outage), drained %d ms after restore%n",
                acknowledged.size(), probes.size(), drained.toMillis());
    }

    /**
     * How many messages a search for {@code word} finds over chats 1..{@code chats}, or -1 if one answers 503 (the
     * server has not seen Elasticsearch back yet); fails the test on any other refusal.
     */
    private static long found(String token, int chats, String word) {
        long total = 0;
        for (int chat = 1; chat <= chats; chat++) {
            Api.Reply reply = api.search(token, chat, word);
            if (reply.status() == 503) {
                return -1;
            }
            assertThat(reply.status()).as("search of chat %d: %s", chat, reply).isEqualTo(200);
            total += reply.json().size();
        }
        return total;
    }

    /** A search of every chat answers 503 with Retry-After (README, Guarantees: "Elasticsearch down"). */
    private static void assertSearchesUnavailable(String token, int chats) {
        for (int chat = 1; chat <= chats; chat++) {
            assertUnavailable(
                    api.search(token, chat, "quokka"), "a search of chat " + chat + " while Elasticsearch is down");
        }
    }

    /** A 503 that tells the client when to retry, not a 500 nor a hang (a transport failure is status 0). */
    private static void assertUnavailable(Api.Reply reply, String what) {
        assertThat(reply.status()).as("%s: %s", what, reply).isEqualTo(503);
        assertThat(reply.retryAfter()).as("Retry-After of %s", what).matches("[1-9][0-9]*");
    }

    private static void awaitHealth(int status, String backend) {
        Await.until(
                Duration.ofSeconds(15),
                "/health answers " + status + " with " + backend + (status == 200 ? " up" : " down"),
                () -> api.health(),
                () -> {
                    Api.Reply health = api.health();
                    return health.status() == status && backendUp(health.json(), backend) == (status == 200);
                });
    }

    private static boolean backendUp(JsonNode health, String name) {
        if (health == null) {
            return false;
        }
        for (JsonNode backend : health.get("backends")) {
            if (backend.get("name").asText().equals(name)) {
                return backend.get("up").asBoolean();
            }
        }
        throw new AssertionError("no backend " + name + " in " + health);
    }
}
