package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.ReindexReport;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reindex} says what it reads and what it replaces before it starts, on stderr, and which index it rebuilt in
 * its result. A stand-in chat system does the reindex: what is said depends on the configuration alone.
 */
class ReindexCommandTest {
    private static final Map<String, String> PRODUCTION = Map.of(
            "CHAT_DB_URL", "jdbc:mysql://chat:s3cret@db.internal:3306/chat",
            "CHAT_REDIS_URL", "redis://:s3cret@redis.internal:6379",
            "CHAT_ELASTICSEARCH_URL", "http://elastic:s3cret@es.internal:9200",
            "CHAT_ELASTICSEARCH_INDEX", "chat-prod");

    @TempDir
    Path dir;

    @Test
    void onTheProductionBackendsItNamesTheDatabaseAndTheElasticsearchIndexWithoutPasswords() {
        Cli.Result table = Cli.run(PRODUCTION, config -> reindexing(), "reindex");
        Cli.Result json = Cli.run(PRODUCTION, config -> reindexing(), "reindex", "--json");

        String target = "elasticsearch http://elastic:***@es.internal:9200 index chat-prod";
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.err().lines().findFirst().orElseThrow())
                .isEqualTo("reindex: every application, from store mysql"
                        + " jdbc:mysql://chat:***@db.internal:3306/chat into search index " + target);
        assertThat(table.out().lines()).first().asString().startsWith("target").endsWith(target);
        assertThat(json.json().get("target").asText()).isEqualTo(target);
        assertThat(json.json().get("indexed").asLong()).isEqualTo(3);
        assertThat(table.out() + table.err() + json.out() + json.err()).doesNotContain("s3cret");
        assertThat(json.out()).doesNotContain("reindex:"); // stdout stays JSON
    }

    @Test
    void onADataDirItNamesTheDataDirAndItsLuceneIndex() {
        Cli.Result result = Cli.run(config -> reindexing(), "reindex", "--app", "tok-a", "--data-dir", dir.toString());

        String target = "lucene " + dir.toAbsolutePath().resolve("index");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.err().lines().findFirst().orElseThrow())
                .isEqualTo("reindex: application tok-a, from store h2 " + dir.toAbsolutePath() + " into search index "
                        + target);
        assertThat(result.out()).contains(target);
    }

    @Test
    void onADataDirWithElasticsearchItNamesTheElasticsearchIndex() {
        Map<String, String> environment = Map.of("CHAT_ELASTICSEARCH_URL", "http://127.0.0.1:9200");

        Cli.Result result =
                Cli.run(environment, config -> reindexing(), "reindex", "--json", "--data-dir", dir.toString());

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.json().get("target").asText())
                .isEqualTo("elasticsearch http://127.0.0.1:9200 index chat-messages");
    }

    /** A chat system that answers only a reindex (of 3 messages), the search backend's state after it and a close. */
    private static ChatSystem reindexing() {
        return (ChatSystem) Proxy.newProxyInstance(
                ChatSystem.class.getClassLoader(),
                new Class<?>[] {ChatSystem.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "reindex" -> new ReindexReport(3, Duration.ofMillis(5));
                    case "searchHealth" -> BackendStatus.up("search", "lucene");
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
