package dev.chatsystem.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The reconcile interval, the queue's bounds and the worker listener: defaults, environment, limits. */
class ChatConfigTest {

    @ParameterizedTest
    @CsvSource({"PT30M, PT30M", "0, PT0S", "PT0S, PT0S", "' PT1S ', PT1S", "P30D, P30D"})
    void readsTheReconcileIntervalFromTheEnvironment(String text, Duration expected) {
        ChatConfig config = ChatConfig.builder()
                .environment(Map.of("CHAT_RECONCILE_INTERVAL", text))
                .build();

        assertThat(config.reconcileInterval()).isEqualTo(expected);
        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1h", "PT-1S", "PT0.5S", "P31D", "P30DT1H", "-0"})
    void refusesAnIntervalOutsideTheLimitsNamingTheKey(String text) {
        assertThatThrownBy(() -> ChatConfig.builder()
                        .environment(Map.of("CHAT_RECONCILE_INTERVAL", text))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CHAT_RECONCILE_INTERVAL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0.5S", "P30DT1H", "P31D"})
    void refusesARetentionOutsideTheLimitsNamingTheKey(String text) {
        assertThatThrownBy(() -> ChatConfig.builder()
                        .environment(Map.of("CHAT_IDEMPOTENCY_RETENTION", text))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CHAT_IDEMPOTENCY_RETENTION");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/x", "/0/", "/-1", "/1a", "/9999999999", "/0/1"})
    void refusesARedisDatabaseThatIsNotANumber(String path) {
        assertThatThrownBy(() -> production("redis://:s3cret@redis:6379" + path))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CHAT_REDIS_URL may end with /N, a database number")
                .hasMessageNotContaining("s3cret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "/0", "/15"})
    void acceptsARedisDatabaseNumberOrNone(String path) {
        assertThat(production("redis://redis:6379" + path).redisUrl()).isPresent();
    }

    @Test
    void readsTheQueueShardBoundsFromTheEnvironment() {
        ChatConfig defaults = ChatConfig.builder().build();
        assertThat(defaults.queueShardMaxEntries()).isEqualTo(1_000_000);
        assertThat(defaults.queueShardMaxBytes()).isEqualTo(128L << 20);

        ChatConfig config = ChatConfig.builder()
                .environment(Map.of("CHAT_QUEUE_SHARD_MAX_ENTRIES", "5000", "CHAT_QUEUE_SHARD_MAX_MB", " 16 "))
                .build();
        assertThat(config.queueShardMaxEntries()).isEqualTo(5_000);
        assertThat(config.queueShardMaxBytes()).isEqualTo(16L << 20);
        assertThat(config.toBuilder().build()).isEqualTo(config);
        assertThat(ChatConfig.ENVIRONMENT_KEYS).contains("CHAT_QUEUE_SHARD_MAX_ENTRIES", "CHAT_QUEUE_SHARD_MAX_MB");
    }

    @Test
    void refusesARoleThatIsNoneNamingTheKey() {
        assertThatThrownBy(() -> ChatConfig.builder()
                        .environment(Map.of("CHAT_ROLE", "bogus"))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("CHAT_ROLE must be api, worker or all, was 'bogus'");
    }

    @ParameterizedTest
    @CsvSource({
        "CHAT_QUEUE_SHARD_MAX_ENTRIES, 0",
        "CHAT_QUEUE_SHARD_MAX_ENTRIES, -5",
        "CHAT_QUEUE_SHARD_MAX_ENTRIES, 100000001",
        "CHAT_QUEUE_SHARD_MAX_ENTRIES, 1e6",
        "CHAT_QUEUE_SHARD_MAX_MB, 0",
        "CHAT_QUEUE_SHARD_MAX_MB, 128MB",
        "CHAT_QUEUE_SHARD_MAX_MB, 1048577",
        "CHAT_QUEUE_SHARD_MAX_MB, 99999999999999999999"
    })
    void refusesAQueueShardBoundOutsideItsLimitsNamingTheKey(String key, String text) {
        assertThatThrownBy(() ->
                        ChatConfig.builder().environment(Map.of(key, text)).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(key)
                .hasMessageContaining("from 1 to");
    }

    @Test
    void refusesAQueueShardBoundSetInCodeOutsideItsLimits() {
        assertThatThrownBy(() -> ChatConfig.builder().queueShardMaxBytes(1000).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CHAT_QUEUE_SHARD_MAX_MB");
        assertThatThrownBy(() -> ChatConfig.builder().queueShardMaxEntries(0).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CHAT_QUEUE_SHARD_MAX_ENTRIES");
    }

    /** Without the URL they were ignored, and a deployment that lost its URL ran on the embedded backends. */
    @Test
    void refusesADatabaseUserOrPasswordWithoutTheDatabaseUrl() {
        for (String key : List.of("CHAT_DB_USER", "CHAT_DB_PASSWORD")) {
            assertThatThrownBy(() -> ChatConfig.builder()
                            .environment(Map.of(key, "chat"))
                            .build())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(key)
                    .hasMessageContaining("CHAT_DB_URL");
        }
        assertThat(ChatConfig.builder()
                        .environment(Map.of("CHAT_DB_PASSWORD", " "))
                        .build()
                        .production())
                .as("a blank value counts as unset")
                .isFalse();
    }

    private static ChatConfig production(String redisUrl) {
        return ChatConfig.builder()
                .environment(Map.of(
                        "CHAT_DB_URL", "jdbc:mysql://db/chat",
                        "CHAT_REDIS_URL", redisUrl,
                        "CHAT_ELASTICSEARCH_URL", "http://es:9200"))
                .build();
    }

    @Test
    void refusesAMariaDbUrlSayingToUseTheMysqlScheme() {
        assertThatThrownBy(() -> new ChatConfig.Database("jdbc:mariadb://db:3306/chat", "chat", ""))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CHAT_DB_URL")
                .hasMessageContaining("use jdbc:mysql://");
        assertThat(new ChatConfig.Database("jdbc:mysql://db:3306/chat", "chat", "").url())
                .isEqualTo("jdbc:mysql://db:3306/chat");
    }

    @Test
    void readsTheElasticsearchIndexFromTheEnvironmentWithChatMessagesByDefault() {
        assertThat(ChatConfig.builder().build().elasticsearchIndex()).isEqualTo("chat-messages");

        ChatConfig config = ChatConfig.builder()
                .environment(Map.of("CHAT_ELASTICSEARCH_INDEX", " staging-chat.messages_2 "))
                .build();

        assertThat(config.elasticsearchIndex()).isEqualTo("staging-chat.messages_2");
        assertThat(config.toBuilder().build()).isEqualTo(config);
        assertThat(ChatConfig.ENVIRONMENT_KEYS).contains("CHAT_ELASTICSEARCH_INDEX");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Chat", "-chat", "_chat", ".chat", "chat messages", "chat/x", "chat*", "chat#1", "chat:1"})
    void refusesAnIndexNameElasticsearchWouldRefuseOrThatNeedsEscaping(String name) {
        assertThatThrownBy(() -> ChatConfig.builder()
                        .environment(Map.of("CHAT_ELASTICSEARCH_INDEX", name))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CHAT_ELASTICSEARCH_INDEX");
    }

    @Test
    void refusesAnIndexNameLongerThan200Characters() {
        assertThat(ChatConfig.builder()
                        .elasticsearchIndex("a".repeat(200))
                        .build()
                        .elasticsearchIndex())
                .hasSize(200);
        assertThatThrownBy(() ->
                        ChatConfig.builder().elasticsearchIndex("a".repeat(201)).build())
                .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void defaultsToHourlyWithoutAListenerAndKeepsBothThroughToBuilder() {
        ChatConfig defaults = ChatConfig.builder().build();
        assertThat(defaults.reconcileInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(defaults.workerListener()).isSameAs(WorkerListener.NONE);
        assertThat(ChatConfig.ENVIRONMENT_KEYS).contains("CHAT_RECONCILE_INTERVAL");

        WorkerListener listener = new WorkerListener() {};
        ChatConfig custom = defaults.toBuilder()
                .reconcileInterval(Duration.ZERO)
                .workerListener(listener)
                .build();
        assertThat(custom.toBuilder().build().workerListener()).isSameAs(listener);
        assertThat(custom.toBuilder().build().reconcileInterval()).isZero();
    }

    /** Only a process can say it merely looks: the environment, shared with the servers, does not turn it off. */
    @Test
    void maintainsTheSearchIndexUnlessToldNotToAndKeepsThatThroughToBuilder() {
        ChatConfig defaults = ChatConfig.builder()
                .environment(Map.of("CHAT_ELASTICSEARCH_URL", "http://127.0.0.1:9200"))
                .build();
        assertThat(defaults.maintainsSearchIndex()).isTrue();

        ChatConfig looking = defaults.toBuilder().maintainsSearchIndex(false).build();
        assertThat(looking.maintainsSearchIndex()).isFalse();
        assertThat(looking.toBuilder().build()).isEqualTo(looking).isNotEqualTo(defaults);
        assertThat(looking.toString()).contains("maintainsSearchIndex=false");
    }

    @Test
    void rebuildsTheIndexAtOpenUnlessToldNotToAndKeepsThatThroughToBuilder() {
        ChatConfig defaults = ChatConfig.embedded(Path.of("data"));
        assertThat(defaults.rebuildIndexAtOpen()).isTrue();

        ChatConfig admin = defaults.toBuilder().rebuildIndexAtOpen(false).build();
        assertThat(admin.rebuildIndexAtOpen()).isFalse();
        assertThat(admin.toBuilder().build()).isEqualTo(admin).isNotEqualTo(defaults);
        assertThat(admin.toString()).contains("rebuildIndexAtOpen=false");
    }
}
