package dev.chatsystem.core.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.chatsystem.core.BackendUnavailableException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Elasticsearch's failures are logged (at every retry of a batch, at every search of an outage): what they say names
 * no token, which document ids and a search's routing hold, and quotes no body.
 */
class FailureMessagesTest {
    private static final String TOKEN = "SeCrEtToKeN/with-a-slash";
    private static final String BODY = "a secret message body";

    @Test
    void aRefusedDocumentIsNamedByItsNumbersWithoutTheTokenOrABodyPreview() throws IOException {
        JsonNode answer = new ObjectMapper().readTree("""
                        {"errors": true, "items": [{"index": {"_id": "%1$s/3/7", "status": 400, "error": {
                          "type": "document_parsing_exception",
                          "reason": "[1:42] failed to parse field [body.raw] of type [keyword] in document with id\
                         '%1$s/3/7'. Preview of field's value: '%2$s'"}}}]}
                        """.formatted(TOKEN, BODY));

        assertThat(ClientCalls.firstErrorBesidesConflicts(answer))
                .hasValueSatisfying(error -> assertThat(error)
                        .startsWith("document …/3/7: document_parsing_exception: ")
                        .contains("failed to parse field [body.raw]")
                        .doesNotContain("SeCrEtToKeN", BODY));
    }

    /** A proxy's error page: the client's own message would have named the search's URI, its routing the token. */
    @Test
    void aRefusedSearchNamesNeitherItsRoutingNorItsQuery() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            boolean search = exchange.getRequestURI().getPath().endsWith("/_search");
            byte[] body = (search ? "<html>502 Bad Gateway</html>" : "{}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", search ? "text/html" : "application/json");
            exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
            exchange.sendResponseHeaders(search ? 502 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        Throwable failure;
        try (ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "chat-failures", () -> false, false)) {
            failure = catchThrowable(() -> index.search(TOKEN, 1, "hello", 10));
        } finally {
            server.stop(0);
        }

        assertThat(failure).isInstanceOf(BackendUnavailableException.class).hasMessageContaining("HTTP 502");
        assertThat(messages(failure)).doesNotContain("SeCrEtToKeN");
    }

    /** Every message of the chain of causes, suppressed ones too, as a logged stack trace shows them. */
    private static String messages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(t.toString());
            for (Throwable suppressed : t.getSuppressed()) {
                messages.add(suppressed.toString());
            }
        }
        return String.join("\n", messages);
    }
}
