package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Health;
import dev.chatsystem.core.elasticsearch.CurrentLayout;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code doctor} on a backend that is up but asks for attention. The state comes from a stand-in chat system: the
 * real one (an Elasticsearch index of an older layout, {@code ElasticsearchSearchIndexTest}) would have to be made
 * of the index every process of the shared node uses.
 */
class DoctorCommandTest {
    /** As {@code IndexHealth} words an index of the layout before this code's. */
    private static final String STALE = "documents of an older layout (" + (CurrentLayout.VERSION - 1)
            + "; this version writes " + CurrentLayout.VERSION + "): run chat-cli reindex";

    @TempDir
    Path dir;

    @Test
    void aBackendUpWithAWarningIsShownAsWarnWithItsFixAndExitsZero() {
        Cli.Result table = doctor();

        assertThat(table.code()).as(table.out() + table.err()).isZero();
        assertThat(table.out().lines().filter(line -> line.startsWith("search")))
                .singleElement()
                .asString()
                .contains("elasticsearch", "warn", STALE, "run chat-cli reindex to rebuild the index from the store");
        assertThat(table.out()).doesNotContain("FAIL");

        Cli.Result json = doctor("--json");
        assertThat(json.code()).isZero();
        JsonNode search = json.json().get(2);
        assertThat(search.get("name").asText()).isEqualTo("search");
        assertThat(search.get("ok").asBoolean()).isTrue();
        assertThat(search.get("status").asText()).isEqualTo("warn");
        assertThat(search.get("detail").asText()).isEqualTo(STALE);
        assertThat(search.get("fix").asText()).contains("chat-cli reindex");
        assertThat(json.json().get(1).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void writesTheEmbeddedIndexMissedAreFixedByAReindexNotByAQueue() {
        Health health = new Health(List.of(
                BackendStatus.up("store", "h2"),
                BackendStatus.up("search", "lucene"),
                BackendStatus.warning(
                        "writes",
                        "group-commit",
                        "the search index missed writes while it was failing, so searches may miss messages: run a"
                                + " reindex (ChatSystem.reindex, or chat-cli reindex while the server is stopped)")));

        Cli.Result table = doctor(health);

        assertThat(table.code()).isZero();
        assertThat(table.out().lines().filter(line -> line.startsWith("writes")))
                .singleElement()
                .asString()
                .contains("warn", "run chat-cli reindex to rebuild the index from the store")
                .doesNotContain("write queue");
    }

    @Test
    void anUnreachableElasticsearchIsFixedByReachingItNotByAReindex() {
        Health health = new Health(List.of(
                BackendStatus.up("store", "h2"),
                BackendStatus.down("search", "elasticsearch", "Connection refused"),
                BackendStatus.up("writes", "group-commit")));
        Map<String, String> environment = Map.of("CHAT_ELASTICSEARCH_URL", "http://elastic:s3cret@127.0.0.1:1");

        Cli.Result table = Cli.run(environment, config -> reporting(health), "doctor", "--data-dir", dir.toString());

        assertThat(table.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(table.out().lines().filter(line -> line.startsWith("search")))
                .singleElement()
                .asString()
                .contains("FAIL", "Connection refused")
                .contains("check that Elasticsearch is running and reachable at http://elastic:***@127.0.0.1:1")
                .doesNotContain("reindex", "s3cret");
    }

    @Test
    void aMissingIndexIsStillFixedByAReindex() {
        Health health = new Health(List.of(
                BackendStatus.up("store", "h2"),
                BackendStatus.down(
                        "search", "elasticsearch", "index chat_messages does not exist: run chat-cli reindex"),
                BackendStatus.up("writes", "group-commit")));
        Map<String, String> environment = Map.of("CHAT_ELASTICSEARCH_URL", "http://127.0.0.1:1");

        Cli.Result table = Cli.run(environment, config -> reporting(health), "doctor", "--data-dir", dir.toString());

        assertThat(table.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(table.out().lines().filter(line -> line.startsWith("search")))
                .singleElement()
                .asString()
                .contains("FAIL")
                // The name first: a reindex under a mistyped name would build a second index.
                .contains("check that CHAT_ELASTICSEARCH_INDEX names the servers' index; if it does, run chat-cli"
                        + " reindex to rebuild the index from the store")
                .doesNotContain("reachable");
    }

    @Test
    void aFailedEmbeddedIndexPointsAtTheDataDir() {
        Health health = new Health(List.of(
                BackendStatus.up("store", "h2"),
                BackendStatus.down("search", "lucene", "index writer failed: disk full"),
                BackendStatus.up("writes", "group-commit")));

        Cli.Result table = doctor(health);

        assertThat(table.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(table.out().lines().filter(line -> line.startsWith("search")))
                .singleElement()
                .asString()
                .contains("FAIL", "check the data dir")
                .doesNotContain("Elasticsearch");
    }

    private Cli.Result doctor(String... options) {
        return doctor(
                new Health(List.of(
                        BackendStatus.up("store", "h2"),
                        BackendStatus.warning("search", "elasticsearch", STALE),
                        BackendStatus.up("writes", "group-commit"))),
                options);
    }

    private Cli.Result doctor(Health health, String... options) {
        List<String> args = new ArrayList<>(List.of("doctor", "--data-dir", dir.toString()));
        args.addAll(List.of(options));
        return Cli.run(config -> reporting(health), args.toArray(String[]::new));
    }

    /** A chat system that answers only its health and a close. */
    private static ChatSystem reporting(Health health) {
        return (ChatSystem) Proxy.newProxyInstance(
                ChatSystem.class.getClassLoader(),
                new Class<?>[] {ChatSystem.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "health" -> health;
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
