package dev.chatsystem.http.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Redis loses its data (FLUSHDB, as FLUSHALL or a restart without persistence would): numbering resumes from MySQL. */
@Timeout(120)
// The flush first would leave the server refusing creates (503) while it reseeds, for up to a check interval after
// that test ends: the unnoticed loss, which must see no refusal, runs before it.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisFlushTest {
    @TempDir
    static Path workDir;

    static StackWorld world;
    static ServerProcess server;

    @BeforeAll
    static void startServer() {
        world = StackWorld.create(13);
        server = ServerProcess.start("server", world.environment("all"), workDir);
    }

    @AfterAll
    static void stopServer() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (world != null) {
                world.close();
            }
        }
    }

    @Test
    @Order(2)
    void numberingContinuesAfterTheHighestPersistedNumber() {
        Api api = new Api(server.baseUrl());
        String token = api.createApplication("flush");
        for (int chat = 1; chat <= 3; chat++) {
            assertThat(api.createChat(token).number("chat_number")).isEqualTo(chat);
        }
        for (int message = 1; message <= 5; message++) {
            assertThat(api.createMessage(token, 1, "before " + message).number("message_number"))
                    .isEqualTo(message);
        }
        assertThat(api.createMessage(token, 2, "before").number("message_number"))
                .isEqualTo(1);
        Await.until(
                Duration.ofSeconds(20),
                "everything persisted",
                () -> world.storedMessages(token),
                () -> world.storedMessages(token).rows() == 6
                        && api.get("/api/v1/applications/" + token + "/chats")
                                        .json()
                                        .size()
                                == 3);

        world.flushRedis();

        // Until Redis is reseeded from MySQL (at the servers' next check), creates may be refused with a 503 that
        // consumes no number: a client retries them, as Retry-After says.
        assertThat(accepted(() -> api.createChat(token)).number("chat_number")).isEqualTo(4);
        assertThat(accepted(() -> api.createMessage(token, 1, "after")).number("message_number"))
                .isEqualTo(6);
        assertThat(accepted(() -> api.createMessage(token, 2, "after")).number("message_number"))
                .isEqualTo(2);
        assertThat(accepted(() -> api.createMessage(token, 3, "after")).number("message_number"))
                .isEqualTo(1);
        assertThat(accepted(() -> api.createMessage(token, 4, "after")).number("message_number"))
                .isEqualTo(1);
        Await.until(
                Duration.ofSeconds(20),
                "the new writes persisted",
                () -> world.storedMessages(token),
                () -> world.storedMessages(token).rows() == 10);
        assertThat(bodies(api, token, 1))
                .containsExactly("before 1", "before 2", "before 3", "before 4", "before 5", "after");
        assertThat(bodies(api, token, 2)).containsExactly("before", "after");
        assertThat(api.get("/api/v1/applications/" + token + "/chats").json().size())
                .isEqualTo(4);
    }

    /**
     * A loss too small for the persisted marks to show (AOF's last second): the chat counter back below a chat MySQL
     * holds and a chat's message counter gone. Writes, lists and searches of the stored chat are not 404s: the
     * counters are raised from MySQL; a chat MySQL does not hold still is.
     */
    @Test
    @Order(1)
    void aStoredChatAboveTheCounterAfterAnUnnoticedLossIsServedNotRefused() {
        Api api = new Api(server.baseUrl());
        String token = api.createApplication("unnoticed loss");
        assertThat(api.createChat(token).number("chat_number")).isEqualTo(1);
        assertThat(api.createChat(token).number("chat_number")).isEqualTo(2);
        assertThat(api.createMessage(token, 2, "stored before").number("message_number"))
                .isEqualTo(1);
        Await.until(
                Duration.ofSeconds(20),
                "everything persisted",
                () -> world.storedMessages(token),
                () -> world.storedMessages(token).rows() == 1);
        String counters = "{chat:s" + shardOf(token) + "}:n:" + token;
        String chatCounter = world.redis(redis -> redis.hget(counters, "c"));
        assertThat(chatCounter).isEqualTo("2");

        loseTheLastSecond(counters);
        assertThat(api.messages(token, 2).status()).isEqualTo(200);
        loseTheLastSecond(counters);
        assertThat(api.search(token, 2, "stored").status()).isEqualTo(200);
        loseTheLastSecond(counters);
        Api.Reply missing = api.message(token, 2, 99);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.text()).contains("chat 2 has no message 99");
        loseTheLastSecond(counters);
        assertThat(api.put("/api/v1/applications/" + token + "/chats/2/messages/1", Map.of("body", "edited after"))
                        .status())
                .isEqualTo(200);
        loseTheLastSecond(counters);
        assertThat(api.createMessage(token, 2, "created after").number("message_number"))
                .isEqualTo(2);
        assertThat(api.createMessage(token, 3, "no such chat").status()).isEqualTo(404);
        assertThat(api.createChat(token).number("chat_number")).isEqualTo(3);
        Await.until(
                Duration.ofSeconds(20),
                "the writes after the loss persisted",
                () -> world.storedBodies(token),
                () -> world.storedBodies(token).stream()
                        .map(Map.Entry::getValue)
                        .toList()
                        .containsAll(List.of("edited after", "created after")));
    }

    /** What an unnoticed loss of the application's last second of creates leaves: chat 2 and its messages unknown. */
    private static void loseTheLastSecond(String counters) {
        world.redis(redis -> {
            redis.hset(counters, "c", "1");
            return redis.hdel(counters, "m:2");
        });
    }

    /** The queue shard of an application: CRC-32 of its token modulo the stack's shards, as RedisKeys computes it. */
    private static long shardOf(String token) {
        CRC32 crc = new CRC32();
        crc.update(token.getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % StackWorld.SHARDS;
    }

    private static Api.Reply accepted(Supplier<Api.Reply> create) {
        AtomicReference<Api.Reply> reply = new AtomicReference<>();
        Await.until(Duration.ofSeconds(30), "a create not refused", reply::get, () -> {
            reply.set(create.get());
            return reply.get().status() != 503;
        });
        return reply.get();
    }

    private static List<String> bodies(Api api, String token, long chat) {
        Api.Reply list = api.messages(token, chat);
        assertThat(list.status()).isEqualTo(200);
        return list.json().findValuesAsText("body");
    }
}
