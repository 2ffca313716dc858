package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Role;
import dev.chatsystem.core.elasticsearch.TestIndices;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import dev.chatsystem.core.testing.RedisDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Listing applications shows live chat counts where Redis has them, and never seeds a counter to get one. */
class ApplicationListingTest {
    private static final String INDEX = TestIndices.uniqueName("application-listing");

    @RegisterExtension
    final RedisDatabase redis = new RedisDatabase(11);

    @TempDir
    Path dataDir;

    @AfterAll
    static void deleteIndex() throws IOException {
        TestIndices.delete(INDEX);
    }

    @Test
    void showsLiveCountsAndAfterALossOfRedisDataTheStoredOnesWithoutSeeding() {
        try (MySqlTestDatabase database = MySqlTestDatabase.create();
                ChatSystem api = ChatSystem.open(database.productionConfig(dataDir, redis.url(), INDEX)
                        .role(Role.API) // no worker: the chats stay queued, the stored counts 0
                        .build())) {
            List<String> tokens = List.of(
                    api.createApplication("first").token(),
                    api.createApplication("second").token(),
                    api.createApplication("third").token());
            tokens.forEach(api::createChat);
            assertThat(api.listApplications(Optional.empty(), 10))
                    .extracting(Application::chatsCount)
                    .containsOnly(1L);

            redis.client().flushDB();
            long started = System.nanoTime();
            List<Application> listed = api.listApplications(Optional.empty(), 10);
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertThat(listed).extracting(Application::chatsCount).containsOnly(0L);
            RedisKeys keys = new RedisKeys(ChatConfig.builder().build().shards());
            assertThat(tokens)
                    .as("a listing seeds no counter")
                    .allSatisfy(token -> assertThat(redis.client().exists(keys.counters(token)))
                            .isFalse());
            assertThat(millis)
                    .as("no seed settle per application")
                    .isLessThan(CounterRecovery.SEED_SETTLE.toMillis() * tokens.size());
        }
    }
}
