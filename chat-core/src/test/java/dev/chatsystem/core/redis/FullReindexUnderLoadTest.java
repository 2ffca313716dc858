package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.ConflictException;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.ReindexListener;
import dev.chatsystem.core.elasticsearch.TestIndices;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import dev.chatsystem.core.testing.RedisDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.params.SetParams;

/**
 * A full {@code reindex} on the distributed form while messages are created: searches find the messages stored before
 * it all along, and afterwards every message is found, whether the workers indexed it before, during or after it.
 */
class FullReindexUnderLoadTest {
    /** Unique: a run killed mid-reindex leaves its index write-blocked or half swapped. */
    private static final String INDEX = TestIndices.uniqueName("full-reindex");

    private static final int CHATS = 4;

    @RegisterExtension
    final RedisDatabase redis = new RedisDatabase(13);

    @TempDir
    Path dataDir;

    @AfterAll
    static void deleteIndex() throws IOException {
        TestIndices.delete(INDEX);
    }

    @Test
    void searchesKeepAnsweringAndNoMessageIsLostFromSearch() throws Exception {
        try (MySqlTestDatabase database = MySqlTestDatabase.create();
                ChatSystem system = ChatSystem.open(
                        database.productionConfig(dataDir, redis.url(), INDEX).build())) {
            String token = system.createApplication("reindexed under load").token();
            for (int chat = 1; chat <= CHATS; chat++) {
                system.createChat(token);
            }
            List<Message> before = new ArrayList<>();
            for (int n = 0; n < 2_500; n++) {
                before.add(system.createMessage(token, 1 + n % CHATS, "before w" + n));
            }
            Message last = before.getLast();
            Await.until(
                    () -> search(system, token, 2, "w1").size() == 1
                            && search(system, token, last.chatNumber(), "w2499").size() == 1,
                    Duration.ofSeconds(30)); // every message before is searchable

            ConcurrentLinkedQueue<Message> created = new ConcurrentLinkedQueue<>(before);
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                for (int n = 0; !stop.get() && n < 3_000; n++) {
                    created.add(system.createMessage(token, 1 + n % CHATS, "during d" + n));
                }
            });
            // A search all along, also while each reindex completes and swaps: "before w1" is in chat 2.
            AtomicInteger searches = new AtomicInteger();
            AtomicInteger misses = new AtomicInteger();
            CompletableFuture<Void> searching = CompletableFuture.runAsync(() -> {
                while (!stop.get()) {
                    searches.incrementAndGet();
                    if (search(system, token, 2, "w1").size() != 1) {
                        misses.incrementAndGet();
                    }
                }
            });
            system.reindex(Optional.empty(), (done, total) -> {});
            system.reindex(Optional.empty(), (done, total) -> {});
            stop.set(true);
            load.get(60, TimeUnit.SECONDS);
            searching.get(60, TimeUnit.SECONDS);

            assertThat(searches).hasPositiveValue();
            assertThat(misses).hasValue(0);
            List<Message> missing = new ArrayList<>(created);
            Await.until(
                    () -> {
                        missing.removeIf(m ->
                                search(system, token, m.chatNumber(), word(m)).contains(m.messageNumber()));
                        return missing.isEmpty();
                    },
                    Duration.ofSeconds(60));
            assertThat(created.size()).isGreaterThan(before.size());
        }
    }

    /** Another process's full reindex holds the lock: this one is refused at once; one application's still runs. */
    @Test
    void aFullReindexWhileAnotherProcessRunsOneIsRefused() {
        try (MySqlTestDatabase database = MySqlTestDatabase.create();
                ChatSystem system = ChatSystem.open(
                        database.productionConfig(dataDir, redis.url(), INDEX).build())) {
            String token = system.createApplication("reindexed twice").token();
            system.createChat(token);
            system.createMessage(token, 1, "hello");
            String lock = new RedisKeys(1).lock("full-reindex"); // shard 0's tag, whatever the shards
            redis.client()
                    .set(lock, "another-process:token", SetParams.setParams().px(60_000));

            assertThatThrownBy(() -> system.reindex(Optional.empty(), ReindexListener.NONE))
                    .isInstanceOf(ConflictException.class)
                    .hasMessageContaining("a full reindex is already running");
            assertThat(redis.client().get(lock)).isEqualTo("another-process:token");
            Await.until(
                    () -> system.reindex(Optional.of(token), ReindexListener.NONE)
                                    .indexed()
                            == 1,
                    Duration.ofSeconds(30)); // once the worker has stored it

            redis.client().del(lock); // that process ended
            assertThat(system.reindex(Optional.empty(), ReindexListener.NONE).indexed())
                    .isGreaterThanOrEqualTo(1);
            assertThat(redis.client().exists(lock)).isFalse();
        }
    }

    private static String word(Message message) {
        return message.body().substring(message.body().indexOf(' ') + 1);
    }

    private static List<Long> search(ChatSystem system, String token, long chat, String word) {
        return system.searchMessages(token, chat, word, 100).stream()
                .filter(m -> m.body().endsWith(" " + word))
                .map(Message::messageNumber)
                .toList();
    }
}
