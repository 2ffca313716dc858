package dev.chatsystem.core.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Credentials in the Elasticsearch URL reach the cluster as Basic authentication (the client ignores a URL's user
 * info): a listener on a local port records what each request says, whatever it answers.
 */
class ElasticsearchCredentialsTest {
    private final List<Optional<String>> authorizations = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void listen() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            authorizations.add(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void theUrlsUserAndPercentEncodedPasswordAreSentWithEveryRequest() {
        URI url = URI.create(
                "http://elastic:p%40ss%3Aw0rd@127.0.0.1:" + server.getAddress().getPort());

        try (ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(url, "chat-credentials")) {
            index.health();
        }

        String expected =
                "Basic " + Base64.getEncoder().encodeToString("elastic:p@ss:w0rd".getBytes(StandardCharsets.UTF_8));
        assertThat(authorizations)
                .isNotEmpty()
                .allSatisfy(header -> assertThat(header).hasValue(expected));
    }

    @Test
    void aUrlWithoutUserInfoSendsNoCredentials() {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());

        try (ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(url, "chat-credentials")) {
            index.health();
        }

        assertThat(authorizations)
                .isNotEmpty()
                .allSatisfy(header -> assertThat(header).isEmpty());
    }
}
