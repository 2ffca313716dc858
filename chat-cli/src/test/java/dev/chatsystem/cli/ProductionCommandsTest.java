package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Role;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import dev.chatsystem.core.testing.Services;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
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

    private MySqlTestDatabase database;
    private Map<String, String> stack;

    @BeforeAll
    void stack() {
        Services.requireMysql();
        URI redis = Services.requireRedis();
        URI elasticsearch = Services.requireElasticsearch();
        database = MySqlTestDatabase.create();
        flushRedis(redis);
        stack = new HashMap<>();
        stack.put("CHAT_DB_URL", database.url);
        stack.put("CHAT_DB_USER", MySqlTestDatabase.USER);
        stack.put("CHAT_DB_PASSWORD", MySqlTestDatabase.PASSWORD);
        stack.put("CHAT_REDIS_URL", redis.resolve("/" + REDIS_DB).toString());
        stack.put("CHAT_ELASTICSEARCH_URL", elasticsearch.toString());
        stack.put("CHAT_ELASTICSEARCH_INDEX", "chat-test-cli-commands");
        stack.put("CHAT_PORT", "8080"); // the server's variable in a shared environment is accepted
        assertThat(Cli.run(stack, "migrate").code()).isZero(); // as a deployment does before the rest
    }

    @AfterAll
    void drop() {
        if (database != null) {
            database.close();
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
            assertThat(stats.code()).isEqualTo(1);
            assertThat(stats.err()).contains("schema", "not created yet", "run chat-cli migrate first");
            Cli.Result doctor = Cli.run(environment, "doctor");
            assertThat(doctor.code()).isEqualTo(1);
            assertThat(doctor.out()).contains("run chat-cli migrate");
            try (Connection connection = fresh.connect();
                    ResultSet tables = connection.getMetaData().getTables(fresh.name, null, "%", null)) {
                assertThat(tables.next()).as("no table created").isFalse();
            }

            environment.put("CHAT_REDIS_URL", "redis://127.0.0.1:1");
            environment.put("CHAT_ELASTICSEARCH_URL", "http://127.0.0.1:1");
            Cli.Result migrate = Cli.run(environment, "migrate", "--json");
            assertThat(migrate.code()).as(migrate.err()).isZero();
            assertThat(migrate.json().get("schema_version").asText()).isEqualTo("4");
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
                .isEqualTo("4");
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

    private static void flushRedis(URI redis) {
        try (RedisClient client = RedisClient.create(redis.resolve("/" + REDIS_DB))) {
            client.flushDB();
        }
    }
}
