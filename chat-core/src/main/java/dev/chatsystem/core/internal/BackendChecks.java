package dev.chatsystem.core.internal;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatException;
import dev.chatsystem.core.Health;
import dev.chatsystem.core.elasticsearch.ElasticsearchSearchIndex;
import dev.chatsystem.core.jdbc.SqlDialect;
import dev.chatsystem.core.mysql.MySqlChatStore;
import dev.chatsystem.core.redis.RedisCheck;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The production form's backends checked one by one, for an admin tool whose chat system would not open (see {@link
 * dev.chatsystem.core.ChatSystem#checkBackends}): the open stops at the first backend it cannot use, and would name
 * no other. Each is opened alone, asked its health and closed, under the names and kinds a running system's health
 * gives it, and nothing is changed: the schema is not migrated, the index neither created nor altered, no Redis key
 * read or written. They are asked at once, and one that has not answered by {@link #DEADLINE} is down.
 */
final class BackendChecks {
    /**
     * Longer than the adapters' connect timeouts (MySQL's 3 s, Redis' and Elasticsearch's 2 s) on top of a first open
     * in a cold process; shorter than the 30 s a server that accepts connections but does not answer holds a MySQL or
     * Elasticsearch request.
     */
    static final Duration DEADLINE = Duration.ofSeconds(10);

    private BackendChecks() {}

    /** Store, search and queue, in the order a running system's health lists them. */
    static Health production(ChatConfig config) {
        ChatConfig.Database db = config.database().orElseThrow();
        URI elasticsearch = config.elasticsearchUrl().orElseThrow();
        URI redis = config.redisUrl().orElseThrow();
        return new HealthChecks(
                        List.of(
                                new HealthChecks.Check("store", () -> store(db)),
                                new HealthChecks.Check(
                                        "search", () -> search(elasticsearch, config.elasticsearchIndex())),
                                new HealthChecks.Check("queue", () -> RedisCheck.check(redis))),
                        DEADLINE)
                .check();
    }

    /** Without migrating: a schema behind is down, saying to run chat-cli migrate. */
    private static BackendStatus store(ChatConfig.Database db) {
        try (MySqlChatStore store = MySqlChatStore.open(db.url(), db.user(), db.password(), false)) {
            return store.health();
        } catch (ChatException e) {
            return BackendStatus.down("store", SqlDialect.MYSQL.kind(), e.getMessage());
        }
    }

    /**
     * Without upkeep: a missing index is down, saying so, and stays missing. The store is not asked whether it holds
     * messages: that is asked only when the index is created.
     */
    private static BackendStatus search(URI url, String index) {
        try (ElasticsearchSearchIndex search = ElasticsearchSearchIndex.open(url, index, () -> false, false)) {
            return search.health();
        } catch (ChatException e) { // refused for good (e.g. an invalid index name), or a URL without a host
            return BackendStatus.down("search", "elasticsearch", e.getMessage());
        }
    }
}
