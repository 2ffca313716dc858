package dev.chatsystem.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.elasticsearch.TestIndices;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import dev.chatsystem.core.testing.Services;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisClient;

/**
 * Strings no application can have as its token are "not found" on every call that takes a token, in both forms. The
 * production form must answer before asking a backend: MySQL cannot even compare a non-ASCII string with the {@code
 * ascii_bin} token column (error 1267, illegal mix of collations), which came back as "backend unavailable" (a 503).
 */
class ImplausibleTokensTest {
    @Nested
    class Embedded extends Contract {
        @Override
        ChatSystem open(Path dataDir) {
            return ChatSystem.open(ChatConfig.embedded(dataDir));
        }
    }

    /** MySQL, Redis (database 10, flushed) and an Elasticsearch index of its own, deleted at the end. */
    @Nested
    class Production extends Contract {
        private static final URI REDIS = Services.redisUrl().resolve("/10");

        private final String index = TestIndices.uniqueName("implausible-tokens");
        private MySqlTestDatabase database;

        @Override
        ChatSystem open(Path dataDir) {
            Services.requireRedis();
            database = MySqlTestDatabase.create();
            try (RedisClient redis = RedisClient.create(REDIS)) {
                redis.flushDB();
            }
            return ChatSystem.open(
                    database.productionConfig(dataDir, REDIS, index).build());
        }

        @Override
        void closeBackends() throws IOException {
            if (database != null) {
                database.close();
            }
            TestIndices.delete(index);
        }
    }

    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Contract {
        private ChatSystem chats;

        abstract ChatSystem open(Path dataDir);

        void closeBackends() throws IOException {}

        @BeforeAll
        void start(@TempDir Path dataDir) {
            chats = open(dataDir);
            String token = chats.createApplication("real").token(); // so that chat 1 and message 1 exist somewhere
            chats.createChat(token);
            chats.createMessage(token, 1, "hello");
        }

        @AfterAll
        void stop() throws IOException {
            if (chats != null) {
                chats.close();
            }
            closeBackends();
        }

        @ParameterizedTest
        @ValueSource(strings = {"é", "日本", "a b", "tok%en", "-", ""})
        void everyCallThatTakesATokenAnswersNotFound(String implausible) {
            Map<String, ThrowingCallable> calls = Map.ofEntries(
                    Map.entry("application", () -> chats.application(implausible)),
                    Map.entry("renameApplication", () -> chats.renameApplication(implausible, "x")),
                    Map.entry("createChat", () -> chats.createChat(implausible)),
                    Map.entry("createChat+key", () -> chats.createChat(implausible, new IdempotencyKey("k"))),
                    Map.entry("chat", () -> chats.chat(implausible, 1)),
                    Map.entry("listChats", () -> chats.listChats(implausible, new PageRequest(0, 10))),
                    Map.entry("createMessage", () -> chats.createMessage(implausible, 1, "hi")),
                    Map.entry(
                            "createMessage+key",
                            () -> chats.createMessage(implausible, 1, "hi", new IdempotencyKey("k"))),
                    Map.entry("message", () -> chats.message(implausible, 1, 1)),
                    Map.entry("listMessages", () -> chats.listMessages(implausible, 1, new PageRequest(0, 10))),
                    Map.entry("editMessage", () -> chats.editMessage(implausible, 1, 1, "hi")),
                    Map.entry("searchMessages", () -> chats.searchMessages(implausible, 1, "hello", 10)),
                    Map.entry("reindex", () -> chats.reindex(Optional.of(implausible), ReindexListener.NONE)));
            for (Map.Entry<String, ThrowingCallable> call : calls.entrySet()) {
                assertThatThrownBy(call.getValue()).as(call.getKey()).isInstanceOf(NotFoundException.class);
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"é", "日本", "a b", ""})
        void aListCursorThatIsNoTokenIsInvalidInput(String implausible) {
            assertThatThrownBy(() -> chats.listApplications(Optional.of(implausible), 10))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("after must be an application token");
        }
    }
}
