package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Role;
import dev.chatsystem.core.elasticsearch.TestIndices;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import dev.chatsystem.core.testing.Services;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.RedisClient;

/** The admin commands against the real MySQL/MariaDB, Redis and Elasticsearch. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProductionCommandsTest {
    private static final int REDIS_DB = 10;
    private static final String SHARD_COUNT = "{chat:s0}:config:shards";
    /** Unique to this run: a run killed mid-reindex would leave a fixed name write-blocked for the next one. */
    private static final String INDEX = TestIndices.uniqueName("cli-commands");

    private final HttpClient http = HttpClient.newHttpClient();
    /** The Elasticsearch indexes the tests made, deleted with their templates after the class. */
    private final List<String> indexes = new ArrayList<>(List.of(INDEX));

    private MySqlTestDatabase database;
    private Map<String, String> stack;
    private URI elasticsearch;

    @BeforeAll
    void stack() {
        Services.requireMysql();
        URI redis = Services.requireRedis();
        elasticsearch = Services.requireElasticsearch();
        database = MySqlTestDatabase.create();
        flushRedis(redis);
        stack = new HashMap<>();
        stack.put("CHAT_DB_URL", database.url);
        stack.put("CHAT_DB_USER", MySqlTestDatabase.USER);
        stack.put("CHAT_DB_PASSWORD", MySqlTestDatabase.PASSWORD);
        stack.put("CHAT_REDIS_URL", redis.resolve("/" + REDIS_DB).toString());
        stack.put("CHAT_ELASTICSEARCH_URL", elasticsearch.toString());
        stack.put("CHAT_ELASTICSEARCH_INDEX", INDEX);
        stack.put("CHAT_PORT", "8080"); // the server's variable in a shared environment is accepted
        assertThat(Cli.run(stack, "migrate").code()).isZero(); // as a deployment does before the rest
        // Then the servers start, creating the index: the commands do not.
        try (ChatSystem server = ChatSystem.open(ChatConfig.builder()
                .environment(stack)
                .role(Role.API)
                .reconcileInterval(Duration.ZERO)
                .build())) {
            assertThat(server.health().backends())
                    .allSatisfy(backend ->
                            assertThat(backend.up()).as(backend.toString()).isTrue());
        }
    }

    @AfterAll
    void drop() throws Exception {
        if (database != null) {
            database.close();
        }
        if (elasticsearch != null) {
            for (String index : indexes) {
                deleteIndex(index);
            }
        }
    }

    /**
     * Only migrate changes the schema, and it needs only the database: a newer chat-cli run to look at a deployment
     * must not upgrade it under servers of the older version, and a deploy step migrates before the rest is up.
     */
    @Test
    void onlyMigrateChangesTheSchemaAndItNeedsOnlyTheDatabase() throws Exception {
        try (MySqlTestDatabase fresh = MySqlTestDatabase.create()) {
            Map<String, String> environment = new HashMap<>(stack);
            environment.put("CHAT_DB_URL", fresh.url);

            Cli.Result stats = Cli.run(environment, "stats");
            assertThat(stats.code()).isEqualTo(ExitCodes.CONFIGURATION);
            assertThat(stats.err()).contains("schema", "not created yet", "run chat-cli migrate first");
            Cli.Result doctor = Cli.run(environment, "doctor");
            assertThat(doctor.code()).isEqualTo(ExitCodes.CONFIGURATION);
            assertThat(doctor.out()).contains("run chat-cli migrate");
            try (Connection connection = fresh.connect();
                    ResultSet tables = connection.getMetaData().getTables(fresh.name, null, "%", null)) {
                assertThat(tables.next()).as("no table created").isFalse();
            }

            environment.put("CHAT_REDIS_URL", "redis://127.0.0.1:1");
            environment.put("CHAT_ELASTICSEARCH_URL", "http://127.0.0.1:1");
            Cli.Result migrate = Cli.run(environment, "migrate", "--json");
            assertThat(migrate.code()).as(migrate.err()).isZero();
            assertThat(migrate.json().get("schema_version").asText()).isEqualTo("5");
        }
    }

    /**
     * The servers' shard count decides: a command run from a shell with another one, on a Redis where none is recorded
     * yet (a new deployment, or after a flush), must not record its own and so lock the servers out.
     */
    @Test
    void commandsRecordNoShardCount() {
        URI redis = Services.requireRedis();
        try (RedisClient client = RedisClient.create(redis.resolve("/" + REDIS_DB))) {
            client.del(SHARD_COUNT); // as after a flush; the rest of the class's data stays
            Map<String, String> environment = new HashMap<>(stack);
            environment.put("CHAT_SHARDS", "3");

            Cli.Result stats = Cli.run(environment, "stats");

            assertThat(stats.code()).as(stats.err()).isZero();
            assertThat(client.get(SHARD_COUNT)).isNull();
        }
    }

    @Test
    void everyCommandWorksOnTheStack() {
        Cli.Result created = Cli.run(stack, "app", "create", "Stack app", "--json");
        assertThat(created.code()).as(created.err()).isZero();
        String token = created.json().get("token").asText();

        assertThat(Cli.run(stack, "app", "show", token).out()).contains("Stack app");
        assertThat(Cli.run(stack, "migrate", "--json")
                        .json()
                        .get("schema_version")
                        .asText())
                .isEqualTo("5");
        Cli.Result doctor = Cli.run(stack, "doctor");
        assertThat(doctor.code()).as(doctor.out() + doctor.err()).isZero();
        assertThat(doctor.out()).contains("mysql", "redis", "elasticsearch");

        Cli.Result stats = Cli.run(stack, "stats", "--json");
        assertThat(stats.code()).as(stats.err()).isZero();
        assertThat(stats.json().get("applications").asLong()).isPositive();
        assertThat(stats.json().has("persist_queue")).isTrue();
        assertThat(stats.json().get("index_lag_seconds").asDouble()).isGreaterThanOrEqualTo(0);

        assertThat(Cli.run(stack, "reconcile").code()).isZero();
        Cli.Result reindex = Cli.run(stack, "reindex", "--app", token);
        assertThat(reindex.code()).as(reindex.err()).isZero();
        Cli.Result reseed = Cli.run(stack, "reseed", "--json");
        assertThat(reseed.code()).as(reseed.err()).isZero();
        assertThat(reseed.json().get("counters_raised").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(reseed.json().get("index_catch_up_owed").asBoolean()).isTrue(); // a worker runs it
        assertThat(Cli.run(stack, "reseed").out().lines())
                .first()
                .asString()
                .contains("COUNTERS RAISED", "INDEX CATCH-UP");
    }

    @Test
    void appListCountsChatsNotPersistedYetAsAppShowDoes() {
        ChatConfig api = ChatConfig.builder()
                .environment(stack)
                .role(Role.API) // no worker: the chats stay queued in Redis
                .reconcileInterval(Duration.ZERO)
                .build();
        String token;
        try (ChatSystem system = ChatSystem.open(api)) {
            token = system.createApplication("Queued chats").token();
            system.createChat(token);
            system.createChat(token);
        }

        JsonNode listed =
                Cli.run(stack, "app", "list", "--limit", "1000", "--json").json();
        JsonNode shown = Cli.run(stack, "app", "show", token, "--json").json();

        assertThat(shown.get("chats_count").asLong()).isEqualTo(2);
        assertThat(listed.findParents("token"))
                .filteredOn(app -> app.get("token").asText().equals(token))
                .singleElement()
                .satisfies(app -> assertThat(app.get("chats_count").asLong()).isEqualTo(2));
    }

    @Test
    void migrateShowsTheDatabaseUrlWithoutItsPassword() {
        Map<String, String> withUserInfo = new HashMap<>(stack);
        String credentials = MySqlTestDatabase.USER + ":" + MySqlTestDatabase.PASSWORD + "@";
        withUserInfo.put("CHAT_DB_URL", database.url.replace("jdbc:mysql://", "jdbc:mysql://" + credentials));

        Cli.Result migrate = Cli.run(withUserInfo, "migrate", "--json");

        assertThat(migrate.code()).as(migrate.err()).isZero();
        assertThat(migrate.json().get("store").asText())
                .startsWith("jdbc:mysql://" + MySqlTestDatabase.USER + ":***@")
                .contains(database.name);
    }

    /**
     * A mistyped {@code CHAT_ELASTICSEARCH_INDEX}: {@code doctor} fails saying the index does not exist, and every
     * command that needs it fails saying so too (in one sentence, not a stack trace), rather than creating an empty
     * index (and a template) of that name that {@code doctor} would then pass.
     */
    @Test
    void commandsOnAMissingIndexSaySoAndCreateNothing() throws Exception {
        String token = storedMessage("stored while the servers ran");
        String missing = newIndexName();
        Map<String, String> mistyped = withIndex(missing);
        String saying = "index " + missing + " does not exist: run chat-cli reindex";

        Cli.Result doctor = Cli.run(mistyped, "doctor", "--json");
        assertThat(doctor.code()).as(doctor.out() + doctor.err()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(doctor.json().findParents("name"))
                .filteredOn(check -> check.get("name").asText().equals("search"))
                .singleElement()
                .satisfies(search -> {
                    assertThat(search.get("status").asText()).isEqualTo("fail");
                    assertThat(search.get("detail").asText()).startsWith(saying);
                    assertThat(search.get("fix").asText()).contains("chat-cli reindex", "CHAT_ELASTICSEARCH_INDEX");
                });
        for (String[] command :
                List.of(new String[] {"stats"}, new String[] {"search", token, "1", "stored"}, new String[] {
                    "reindex", "--app", token
                })) {
            Cli.Result result = Cli.run(mistyped, command);
            assertThat(result.code()).as(String.join(" ", command)).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(result.err())
                    .as(String.join(" ", command))
                    .contains(saying, "CHAT_ELASTICSEARCH_INDEX")
                    .doesNotContain("Exception", "\tat ");
        }
        assertThat(Cli.run(mistyped, "app", "show", token).code()).isZero(); // the store is there

        assertThat(status("HEAD", "/" + missing)).as("index").isEqualTo(404);
        assertThat(status("GET", "/_index_template/" + template(missing)))
                .as("template")
                .isEqualTo(404);
    }

    /**
     * {@code stats} on a missing index still prints the store's totals, the index's figure as unavailable with why,
     * and exits 4 with that reason on stderr, as doctor exits 4 on a FAIL row among the rest.
     */
    @Test
    void statsOnAMissingIndexStillPrintsTheStoreTotals() throws Exception {
        storedMessage("counted without the index");
        String missing = newIndexName();
        Map<String, String> mistyped = withIndex(missing);
        String saying = "index " + missing + " does not exist: run chat-cli reindex";

        Cli.Result table = Cli.run(mistyped, "stats");
        assertThat(table.code()).as(table.out() + table.err()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(table.out()).contains("applications", "chats", "messages", "pending writes");
        assertThat(table.out().lines().filter(line -> line.startsWith("indexed messages")))
                .singleElement()
                .asString()
                .contains("unavailable", saying);
        assertThat(table.err()).contains(saying).doesNotContain("Exception", "\tat ");

        Cli.Result json = Cli.run(mistyped, "stats", "--json");
        assertThat(json.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(json.json().get("messages").asLong()).isPositive();
        assertThat(json.json().get("applications").asLong()).isPositive();
        assertThat(json.json().get("indexed_messages").isNull()).isTrue();
        assertThat(json.json().get("index_unavailable").asText()).contains(saying);
        assertThat(status("HEAD", "/" + missing)).as("index").isEqualTo(404);
    }

    /** {@code reindex}, the fix doctor names, creates the missing index and fills it from the store. */
    @Test
    void reindexCreatesAMissingIndexFromTheStore() throws Exception {
        String token = storedMessage("found again after the reindex");
        Map<String, String> fresh = withIndex(newIndexName());
        assertThat(Cli.run(fresh, "doctor").code()).isEqualTo(ExitCodes.UNAVAILABLE);

        Cli.Result reindex = Cli.run(fresh, "reindex", "--json");

        assertThat(reindex.code()).as(reindex.err()).isZero();
        assertThat(reindex.json().get("indexed").asLong()).isPositive();
        Cli.Result search = Cli.run(fresh, "search", token, "1", "found", "--json");
        assertThat(search.code()).as(search.err()).isZero();
        assertThat(search.json().findValuesAsText("body")).containsExactly("found again after the reindex");
        Cli.Result doctor = Cli.run(fresh, "doctor");
        assertThat(doctor.code()).as(doctor.out()).isZero();
    }

    /**
     * MySQL and Redis both down: the system cannot open, and the open names only the first (MySQL). doctor says so,
     * and still checks each backend on its own, so both are named at once with how to fix each, within seconds.
     */
    @Test
    void doctorNamesEveryBackendThatIsDownWhenTheSystemCannotOpen() {
        Map<String, String> down = new HashMap<>(stack);
        down.put("CHAT_DB_URL", "jdbc:mysql://127.0.0.1:1/chat");
        down.put("CHAT_REDIS_URL", "redis://127.0.0.1:1");

        long started = System.nanoTime();
        Cli.Result table = Cli.run(down, "doctor");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(table.code()).as(table.out() + table.err()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(took).isLessThan(Duration.ofSeconds(10));
        assertThat(row(table, "open")).contains("production", "FAIL", "127.0.0.1:1");
        assertThat(row(table, "store"))
                .contains("mysql", "FAIL", "could not open jdbc:mysql://127.0.0.1:1/chat")
                .contains("check that MySQL is running and reachable at jdbc:mysql://127.0.0.1:1/chat");
        assertThat(row(table, "queue"))
                .contains("redis", "FAIL", "Redis unreachable at 127.0.0.1:1")
                .contains("check that Redis is running and reachable at redis://127.0.0.1:1");
        assertThat(row(table, "search")).contains("elasticsearch", "ok").doesNotContain("FAIL");

        Cli.Result json = Cli.run(down, "doctor", "--json");
        assertThat(json.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(json.json().findParents("name"))
                .extracting(
                        check -> check.get("name").asText(),
                        check -> check.get("status").asText())
                .containsExactly(
                        tuple("config", "ok"),
                        tuple("open", "fail"),
                        tuple("store", "fail"),
                        tuple("search", "ok"),
                        tuple("queue", "fail"));
        JsonNode queue = json.json().get(4);
        assertThat(queue.get("kind").asText()).isEqualTo("redis");
        assertThat(queue.get("ok").asBoolean()).isFalse();
        assertThat(queue.get("detail").asText()).startsWith("Redis unreachable at 127.0.0.1:1");
        assertThat(queue.get("fix").asText()).contains("redis://127.0.0.1:1");
    }

    /** The one line of doctor's table that checks {@code name}. */
    private static String row(Cli.Result doctor, String name) {
        List<String> rows =
                doctor.out().lines().filter(line -> line.startsWith(name + " ")).toList();
        assertThat(rows).as(doctor.out()).hasSize(1);
        return rows.get(0);
    }

    /**
     * The token of a new application whose chat 1 holds one message of {@code body}, stored in MySQL as the servers'
     * workers store it (and indexed in the servers' index).
     */
    private String storedMessage(String body) {
        ChatConfig server = ChatConfig.builder()
                .environment(stack)
                .reconcileInterval(Duration.ZERO)
                .build();
        try (ChatSystem system = ChatSystem.open(server)) {
            String token = system.createApplication("Stored messages").token();
            long chat = system.createChat(token).chatNumber();
            system.createMessage(token, chat, body);
            Await.until(
                    () -> system.queueBacklog().stream().allMatch(backlog -> backlog.entries() == 0),
                    Duration.ofSeconds(30));
            return token;
        }
    }

    /** A name no index has, deleted after the class should a test create it. */
    private String newIndexName() {
        String name = "chat-test-cli-missing-" + UUID.randomUUID();
        indexes.add(name);
        return name;
    }

    private Map<String, String> withIndex(String name) {
        Map<String, String> environment = new HashMap<>(stack);
        environment.put("CHAT_ELASTICSEARCH_INDEX", name);
        return environment;
    }

    /** The template the servers put for the index {@code name} (chat-core's {@code IndexCreator.templateName}). */
    private static String template(String name) {
        return "chat-system-" + name;
    }

    /**
     * Deletes the index {@code name} (or those its alias leads to), those a full reindex of it left, and its template:
     * by their names, as Elasticsearch deletes nothing by a wildcard or an alias.
     */
    private void deleteIndex(String name) throws IOException, InterruptedException {
        HttpResponse<String> found = send(
                "GET", "/" + name + "," + name + "-gen-*?ignore_unavailable=true&filter_path=*.settings.index.uuid");
        new ObjectMapper().readTree(found.body()).fieldNames().forEachRemaining(index -> {
            try {
                send("DELETE", "/" + index);
            } catch (IOException | InterruptedException e) {
                throw new AssertionError("cannot delete " + index, e);
            }
        });
        send("DELETE", "/_index_template/" + template(name));
    }

    private int status(String method, String path) throws IOException, InterruptedException {
        return send(method, path).statusCode();
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(elasticsearch.resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void flushRedis(URI redis) {
        try (RedisClient client = RedisClient.create(redis.resolve("/" + REDIS_DB))) {
            client.flushDB();
        }
    }
}
