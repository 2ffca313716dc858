package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read and maintenance commands against one data dir seeded through the library. */
class DataCommandsTest {
    @TempDir
    static Path dir;

    static String token;

    @BeforeAll
    static void seed() {
        try (ChatSystem system = ChatSystem.open(ChatConfig.embedded(dir))) {
            token = system.createApplication("Support").token();
            for (int chat = 1; chat <= 3; chat++) {
                system.createChat(token);
            }
            system.createMessage(token, 1, "hello world");
            system.createMessage(token, 1, "the printer is on fire");
            system.createMessage(token, 1, "have you tried turning it off\nand on again");
        }
    }

    private static Cli.Result run(String... args) {
        String[] withDir = new String[args.length + 2];
        System.arraycopy(args, 0, withDir, 0, args.length);
        withDir[args.length] = "--data-dir";
        withDir[args.length + 1] = dir.toString();
        Cli.Result result = Cli.run(withDir);
        assertThat(result.code()).as("exit code; stderr: %s", result.err()).isZero();
        return result;
    }

    @Test
    void chatListPagesAndHintsAtTheNextPage() {
        Cli.Result first = run("chat", "list", token, "--limit", "2");
        assertThat(first.out()).startsWith("CHAT").contains("more: chat-cli chat list " + token + " --after 2");

        JsonNode rest = run("chat", "list", token, "--after", "2", "--json").json();
        assertThat(rest.get("items")).hasSize(1);
        assertThat(rest.get("items").get(0).get("chat_number").asLong()).isEqualTo(3);
        assertThat(rest.get("next_after").isNull()).isTrue();
    }

    @Test
    void messageListShowsOneLinePerMessageAndTheFullBodyInJson() {
        Cli.Result text = run("message", "list", token, "1");
        assertThat(text.out().lines()).hasSize(4);
        assertThat(text.out()).contains("turning it off and on again");

        JsonNode json = run("--json", "message", "list", token, "1").json();
        assertThat(json.get("items")).hasSize(3);
        assertThat(json.get("items").get(2).get("body").asText()).contains("\n");
        assertThat(json.get("items").get(0).get("message_number").asLong()).isEqualTo(1);
    }

    @Test
    void searchFindsByPrefix() {
        Cli.Result text = run("search", token, "1", "print");
        assertThat(text.out()).contains("the printer is on fire").doesNotContain("hello");

        JsonNode json = run("search", token, "1", "hel", "wor", "--json").json();
        assertThat(json).hasSize(1);
        assertThat(json.get(0).get("body").asText()).isEqualTo("hello world");
    }

    @Test
    void reindexPrintsProgressLinesWhenNotOnATerminal() {
        Cli.Result result = run("reindex", "--app", token);

        assertThat(result.err()).contains("reindex: 3/3 messages (100%)");
        assertThat(result.err()).doesNotContain("\r");
        assertThat(result.out()).contains("indexed").contains("3");

        JsonNode json = run("reindex", "--json").json();
        assertThat(json.get("indexed").asLong()).isEqualTo(3);
        assertThat(json.has("took_millis")).isTrue();
    }

    @Test
    void reconcileReportsThatTheExactEmbeddedCountsNeedNoCorrection() {
        assertThat(run("reconcile").out()).contains("all counts were correct");
        assertThat(run("reconcile", "--json").json().get("corrections")).isEmpty();
        assertThat(run("reconcile", "--json").json().get("corrected").asLong()).isZero();
    }

    @Test
    void statsCountsStoreAndIndex() {
        assertThat(run("stats").out()).contains("applications", "indexed messages", "pending writes");

        JsonNode stats = run("--json", "stats").json();
        assertThat(stats.get("applications").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(stats.get("chats").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(stats.get("messages").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(stats.get("indexed_messages").asLong())
                .isEqualTo(stats.get("messages").asLong());
        assertThat(stats.get("pending_writes").asLong()).isZero();
    }

    @Test
    void doctorPrintsEveryBackendAsOk() {
        Cli.Result text = run("doctor");
        assertThat(text.out()).contains("store", "h2", "search", "lucene").doesNotContain("FAIL");

        JsonNode checks = run("doctor", "--json").json();
        assertThat(checks.size()).isGreaterThanOrEqualTo(3);
        checks.forEach(check -> assertThat(check.get("ok").asBoolean()).isTrue());
    }

    @Test
    void migrateReportsTheSchemaIsUpToDate() {
        assertThat(run("migrate").out()).contains("schema version", "5 (up to date)");
        assertThat(run("migrate", "--json").json().get("schema_version").asText())
                .isEqualTo("5");
    }

    @Test
    void reseedExplainsThatItAppliesOnlyToRedis() {
        Cli.Result result = run("reseed");
        assertThat(result.out()).contains("applies only to the Redis numbering backend");

        JsonNode json = run("reseed", "--json").json();
        assertThat(json.get("counters_raised").asLong()).isZero();
        assertThat(json.get("index_catch_up_owed").asBoolean()).isFalse();
        assertThat(json.has("index_catch_up_owed")).isTrue();
        assertThat(json.get("note").asText()).contains("applies only to the Redis numbering backend");
    }
}
