package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.embedded.MarkedSearchIndex;
import dev.chatsystem.core.testing.Services;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin commands on an embedded data dir indexed by the real Elasticsearch, left with the marker of an incomplete
 * index (a server killed, say): they neither rebuild nor create the index at open, but say it is owed.
 */
class EmbeddedElasticsearchTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String index = "chat-test-cli-embedded-" + UUID.randomUUID();

    @TempDir
    Path dir;

    private URI elasticsearch;
    private String token;

    /** A server's run that indexed one message, then a crash: the marker stays in the data dir. */
    @BeforeEach
    void crashedServer() throws IOException {
        elasticsearch = Services.requireElasticsearch();
        ChatConfig server = ChatConfig.builder()
                .dataDir(dir)
                .elasticsearchUrl(elasticsearch)
                .elasticsearchIndex(index)
                .build();
        try (ChatSystem system = ChatSystem.open(server)) {
            token = system.createApplication("Support").token();
            system.createChat(token);
            system.createMessage(token, 1, "indexed before the crash");
        }
        Files.createFile(dir.resolve(MarkedSearchIndex.FILE_NAME));
    }

    @AfterEach
    void deleteIndex() throws IOException, InterruptedException {
        // By name: the index, or those a full reindex made it an alias of; Elasticsearch deletes nothing by wildcard.
        HttpResponse<String> found =
                send("GET", "/" + index + "," + index + "-gen-*?ignore_unavailable=true&filter_path=*.settings");
        for (String name : (Iterable<String>) () -> readTree(found.body()).fieldNames()) {
            send("DELETE", "/" + name);
        }
        send("DELETE", "/_index_template/chat-system-" + index);
    }

    @Test
    void anIncompleteIndexIsReportedNotRebuiltUntilAReindex() throws Exception {
        Cli.Result doctor = run("doctor", "--json");
        assertThat(doctor.code()).as(doctor.out() + doctor.err()).isZero();
        JsonNode search = searchCheck(doctor);
        assertThat(search.get("status").asText()).isEqualTo("warn");
        assertThat(search.get("detail").asText()).contains("index incomplete");
        assertThat(search.get("fix").asText()).contains("chat-cli reindex");

        Cli.Result stats = run("stats");
        assertThat(stats.code()).as(stats.err()).isZero();
        assertThat(stats.out()).contains("index incomplete", "reindex");
        assertThat(run("stats", "--json").json().get("index_warning").asText()).contains("index incomplete");

        assertThat(status("GET", "/_alias/" + index))
                .as("rebuilt into an alias")
                .isEqualTo(404);
        assertThat(dir.resolve(MarkedSearchIndex.FILE_NAME))
                .as("the rebuild still owed")
                .exists();

        Cli.Result reindex = run("reindex");
        assertThat(reindex.code()).as(reindex.err()).isZero();
        assertThat(dir.resolve(MarkedSearchIndex.FILE_NAME)).doesNotExist();
        Cli.Result after = run("doctor", "--json");
        assertThat(after.code()).isZero();
        assertThat(searchCheck(after).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void anIncompleteIndexThatIsMissingIsNotCreated() throws Exception {
        send("DELETE", "/" + index);

        Cli.Result show = run("app", "show", token);
        assertThat(show.code()).as(show.err()).isZero();
        Cli.Result doctor = run("doctor", "--json");
        assertThat(doctor.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(searchCheck(doctor).get("detail").asText()).contains("index " + index + " does not exist");

        assertThat(status("HEAD", "/" + index)).as("index").isEqualTo(404);
    }

    private Cli.Result run(String... args) {
        String[] withDir = new String[args.length + 2];
        System.arraycopy(args, 0, withDir, 0, args.length);
        withDir[args.length] = "--data-dir";
        withDir[args.length + 1] = dir.toString();
        return Cli.run(
                Map.of("CHAT_ELASTICSEARCH_URL", elasticsearch.toString(), "CHAT_ELASTICSEARCH_INDEX", index), withDir);
    }

    private static JsonNode searchCheck(Cli.Result doctor) {
        for (JsonNode check : doctor.json()) {
            if (check.get("name").asText().equals("search")) {
                return check;
            }
        }
        throw new AssertionError("no search check: " + doctor.out());
    }

    private static JsonNode readTree(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError(json, e);
        }
    }

    private int status(String method, String path) throws IOException, InterruptedException {
        return send(method, path).statusCode();
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(elasticsearch.resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
