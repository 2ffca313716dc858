package dev.chatsystem.core.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.testing.Services;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deployments sharing one Elasticsearch cluster keep their messages apart by {@code CHAT_ELASTICSEARCH_INDEX}. */
class ConfiguredIndexNameTest {
    private static final String INDEX = "chat-test-configured-index";

    private final HttpClient http = HttpClient.newHttpClient();
    private URI elasticsearch;

    @TempDir
    Path dataDir;

    @BeforeEach
    void deleteTheIndex() throws Exception {
        elasticsearch = Services.requireElasticsearch();
        send("DELETE", "/" + INDEX);
    }

    @AfterEach
    void cleanUp() throws Exception {
        send("DELETE", "/" + INDEX);
    }

    @Test
    void messagesGoToTheConfiguredIndexAndAreSearchedThere() throws Exception {
        ChatConfig config = ChatConfig.builder()
                .environment(java.util.Map.of(
                        "CHAT_ELASTICSEARCH_URL", elasticsearch.toString(), "CHAT_ELASTICSEARCH_INDEX", INDEX))
                .dataDir(dataDir)
                .build();
        try (ChatSystem system = ChatSystem.open(config)) {
            Application app = system.createApplication("own index");
            long chat = system.createChat(app.token()).chatNumber();
            system.createMessage(app.token(), chat, "kept in its own index");

            assertThat(system.searchMessages(app.token(), chat, "own", 10)).hasSize(1);
        }
        send("POST", "/" + INDEX + "/_refresh");
        assertThat(send("GET", "/" + INDEX + "/_count").body()).contains("\"count\":1");
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(elasticsearch.resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
