package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatsystem.core.testing.IndexBehindStore;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin commands on an embedded data dir whose Lucene index a crash left incomplete: they neither rebuild it at
 * open (minutes on a large store, without a word) nor pass it as ok, but say a reindex is owed until one runs.
 */
class IncompleteIndexTest {
    @TempDir
    Path tmp;

    private Path dir;
    private String token;

    @BeforeEach
    void crashedServer() {
        dir = tmp.resolve("data");
        token = IndexBehindStore.plant(dir);
    }

    @Test
    void doctorAndStatsReportTheIndexIncompleteWithoutRebuildingItUntilAReindex() {
        for (int run = 1; run <= 2; run++) { // the first one did not rebuild it
            Cli.Result doctor = run("doctor", "--json");
            assertThat(doctor.code()).as(doctor.out() + doctor.err()).isZero();
            JsonNode search = searchCheck(doctor);
            assertThat(search.get("kind").asText()).isEqualTo("lucene");
            assertThat(search.get("status").asText()).isEqualTo("warn");
            assertThat(search.get("detail").asText()).contains("index incomplete", "may miss messages");
            assertThat(search.get("fix").asText()).contains("run chat-cli reindex");
        }
        assertThat(run("doctor").out().lines().filter(line -> line.startsWith("search")))
                .singleElement()
                .asString()
                .contains("warn", "index incomplete", "run chat-cli reindex");

        Cli.Result stats = run("stats");
        assertThat(stats.code()).as(stats.err()).isZero();
        assertThat(stats.out()).contains("the index holds 1 of 2 stored messages", "search index: index incomplete");
        JsonNode json = run("stats", "--json").json();
        assertThat(json.get("indexed_messages").asLong()).as("not rebuilt").isEqualTo(1);
        assertThat(json.get("index_warning").asText()).contains("index incomplete");

        Cli.Result reindex = run("reindex");
        assertThat(reindex.code()).as(reindex.err()).isZero();
        assertThat(reindex.out()).contains("indexed", "2");
        assertThat(searchCheck(run("doctor", "--json")).get("status").asText()).isEqualTo("ok");
        JsonNode after = run("stats", "--json").json();
        assertThat(after.get("indexed_messages").asLong()).isEqualTo(2);
        assertThat(after.get("index_warning").isNull()).isTrue();
    }

    @Test
    void searchSaysOnStderrThatResultsMayMissMessagesUntilAReindex() {
        Cli.Result missing = run("search", token, "1", IndexBehindStore.LOST);
        assertThat(missing.code()).as(missing.err()).isZero();
        assertThat(missing.out()).doesNotContain("with the crash");
        assertThat(missing.err().lines())
                .singleElement()
                .asString()
                .startsWith("chat-cli: warning: search index: index incomplete")
                .endsWith("; results may miss messages until chat-cli reindex runs");

        Cli.Result json = run("--json", "search", token, "1", IndexBehindStore.INDEXED);
        assertThat(json.code()).as(json.err()).isZero();
        assertThat(json.json().isArray()).as("stdout stays a bare array").isTrue();
        assertThat(json.json()).hasSize(1);
        assertThat(json.err()).startsWith("chat-cli: warning: search index: index incomplete");

        assertThat(run("reindex").code()).isZero();
        Cli.Result found = run("--json", "search", token, "1", IndexBehindStore.LOST);
        assertThat(found.json()).hasSize(1);
        assertThat(found.err()).isEmpty();
    }

    @Test
    void aReindexOfOneApplicationSaysThatAFullOneIsStillOwed() {
        Cli.Result one = run("reindex", "--app", token);
        assertThat(one.code()).as(one.err()).isZero();
        assertThat(one.err().lines().filter(line -> line.startsWith("chat-cli: warning")))
                .singleElement()
                .asString()
                .startsWith("chat-cli: warning: search index: index incomplete")
                .endsWith("a reindex of every application (without --app) is still owed");

        Cli.Result all = run("reindex");
        assertThat(all.code()).as(all.err()).isZero();
        assertThat(all.err()).doesNotContain("warning");
    }

    @Test
    void messageListNotesTheIncompleteIndexInTableModeOnly() {
        Cli.Result table = run("message", "list", token, "1");
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).contains("before the crash", "with the crash").doesNotContain("search index");
        assertThat(table.err().lines())
                .singleElement()
                .asString()
                .startsWith("chat-cli: note: search index: index incomplete")
                .contains("this list comes from the store and is complete");

        Cli.Result json = run("--json", "message", "list", token, "1");
        assertThat(json.json().get("items")).hasSize(2);
        assertThat(json.err()).isEmpty();

        assertThat(run("reindex").code()).isZero();
        assertThat(run("message", "list", token, "1").err()).isEmpty();
    }

    private Cli.Result run(String... args) {
        String[] withDir = new String[args.length + 2];
        System.arraycopy(args, 0, withDir, 0, args.length);
        withDir[args.length] = "--data-dir";
        withDir[args.length + 1] = dir.toString();
        return Cli.run(withDir);
    }

    private static JsonNode searchCheck(Cli.Result doctor) {
        for (JsonNode check : doctor.json()) {
            if (check.get("name").asText().equals("search")) {
                return check;
            }
        }
        throw new AssertionError("no search check: " + doctor.out());
    }
}
