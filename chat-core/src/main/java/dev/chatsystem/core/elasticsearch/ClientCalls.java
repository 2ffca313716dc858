package dev.chatsystem.core.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import dev.chatsystem.core.BackendUnavailableException;
import java.io.IOException;
import java.util.Optional;

/** The adapter boundary: every client call goes through {@link #translate}, so no client exception escapes. */
final class ClientCalls {
    private static final String VERSION_CONFLICT = "version_conflict_engine_exception";

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

    /**
     * The first failed item of a bulk response that is not a version conflict, if any. For versioned operations a
     * conflict means the document already holds a newer (or, for a delete, a newer-than-seen) state: that is the
     * outcome asked for, not a failure.
     */
    static Optional<String> firstErrorBesidesConflicts(BulkResponse response) {
        if (!response.errors()) {
            return Optional.empty();
        }
        Optional<String> error = response.items().stream()
                .filter(item -> item.error() != null && !isVersionConflict(item))
                .findFirst()
                .map(ClientCalls::describe);
        return error.isPresent() || response.items().stream().anyMatch(item -> item.error() != null)
                ? error
                : Optional.of("unknown bulk error");
    }

    private static boolean isVersionConflict(BulkResponseItem item) {
        return item.status() == 409 && VERSION_CONFLICT.equals(item.error().type());
    }

    private static String describe(BulkResponseItem item) {
        return "document " + item.id() + ": " + item.error().type() + ": "
                + item.error().reason();
    }
}
