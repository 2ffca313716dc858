package dev.chatsystem.core.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import dev.chatsystem.core.BackendUnavailableException;
import java.io.IOException;

/** The adapter boundary: every client call goes through {@link #translate}, so no client exception escapes. */
final class ClientCalls {
    private ClientCalls() {}

    @FunctionalInterface
    interface Call<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code call}, turning error responses, I/O failures (connection refused, timeouts) and the client's
     * transport and mapping exceptions into {@link BackendUnavailableException}.
     */
    static <T> T translate(String action, Call<T> call) {
        try {
            return call.run();
        } catch (ElasticsearchException e) {
            throw new BackendUnavailableException(
                    "search index: cannot " + action + ": "
                            + e.response().error().type() + ": " + e.getMessage(),
                    e);
        } catch (IOException | RuntimeException e) {
            throw new BackendUnavailableException("search index: cannot " + action + ": " + e, e);
        }
    }

    /** The first failed item of a bulk response whose {@code errors} flag is set. */
    static String firstError(BulkResponse response) {
        return response.items().stream()
                .filter(item -> item.error() != null)
                .findFirst()
                .map(ClientCalls::describe)
                .orElse("unknown bulk error");
    }

    private static String describe(BulkResponseItem item) {
        return "document " + item.id() + ": " + item.error().type() + ": "
                + item.error().reason();
    }
}
