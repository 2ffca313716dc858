package dev.chatsystem.core.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.rest5_client.low_level.Response;
import co.elastic.clients.transport.rest5_client.low_level.ResponseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatsystem.core.BackendUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.apache.hc.core5.http.HttpEntity;

/** The adapter boundary: every client call goes through {@link #translate}, so no client exception escapes. */
final class ClientCalls {
    private static final String VERSION_CONFLICT = "version_conflict_engine_exception";
    /** Reads the low-level client's answers as trees; no data-binding. Thread-safe. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClientCalls() {}

    @FunctionalInterface
    interface Call<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code call}, turning error responses (of the typed and of the low-level client), I/O failures
     * (connection refused, timeouts) and the client's transport and mapping exceptions into
     * {@link BackendUnavailableException}.
     */
    static <T> T translate(String action, Call<T> call) {
        try {
            return call.run();
        } catch (ElasticsearchException e) {
            throw new BackendUnavailableException(
                    "search index: cannot " + action + ": "
                            + e.response().error().type() + ": " + e.getMessage(),
                    e);
        } catch (ResponseException e) {
            throw new BackendUnavailableException("search index: cannot " + action + ": " + describe(e), e);
        } catch (IOException | RuntimeException e) {
            throw new BackendUnavailableException("search index: cannot " + action + ": " + e, e);
        }
    }

    /**
     * The first failed item of the answer of a {@code _bulk} request (filtered to {@code errors} and, of each item,
     * {@code _id}, {@code status}, {@code error.type} and {@code error.reason}) that is not a version conflict, if
     * any. For versioned operations a conflict means the document already holds a newer (or, for a delete, a
     * newer-than-seen) state: that is the outcome asked for, not a failure.
     */
    static Optional<String> firstErrorBesidesConflicts(JsonNode response) {
        if (!response.path("errors").asBoolean(true)) {
            return Optional.empty();
        }
        boolean anyError = false;
        for (JsonNode action : response.path("items")) {
            for (JsonNode item : action) { // the one value of {"index": {...}}
                JsonNode error = item.path("error");
                if (error.isMissingNode()) {
                    continue;
                }
                anyError = true;
                String type = error.path("type").asText();
                if (item.path("status").asInt() != 409 || !VERSION_CONFLICT.equals(type)) {
                    return Optional.of(describe(
                            item.path("_id").asText(),
                            type,
                            error.path("reason").asText()));
                }
            }
        }
        return anyError ? Optional.empty() : Optional.of("unknown bulk error");
    }

    /**
     * The JSON body of a successful low-level response (an empty object when it has none). Any other status throws
     * {@link ResponseException}, as {@link #translate} expects: the low-level client itself throws it only for 5xx.
     */
    static JsonNode json(Response response) throws IOException {
        int status = response.getStatusCode();
        if (status < 200 || status >= 300) {
            throw new ResponseException(response);
        }
        return read(response);
    }

    private static JsonNode read(Response response) throws IOException {
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            return JSON.createObjectNode();
        }
        try (InputStream body = entity.getContent()) {
            return JSON.readTree(body);
        }
    }

    private static String describe(String id, String type, String reason) {
        return "document " + id + ": " + type + ": " + reason;
    }

    /**
     * HTTP status, type and reason of a refused request, from Elasticsearch's error body; the client's message
     * (which holds the whole body) when that cannot be read.
     */
    private static String describe(ResponseException e) {
        int status = e.getResponse().getStatusCode();
        try {
            JsonNode error = read(e.getResponse()).path("error");
            if (error.hasNonNull("type")) {
                return "HTTP " + status + ": " + error.path("type").asText() + ": "
                        + error.path("reason").asText();
            }
        } catch (IOException | RuntimeException unreadable) {
            e.addSuppressed(unreadable);
        }
        return e.getMessage();
    }
}
