package dev.chatsystem.core.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.json.JsonData;
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
    private static final String INDEX_NOT_FOUND = "index_not_found_exception";
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
        } catch (IOException | RuntimeException e) {
            throw failure(action, e);
        }
    }

    /**
     * As {@link #translate(String, Call)}, saying what to do when the call failed because the index {@code index}
     * does not exist: a process that does not create it ({@code maintainsSearchIndex} off) meets it missing when its
     * name is mistyped or Elasticsearch lost it, and Elasticsearch's own {@code no such index} says neither.
     */
    static <T> T translate(String action, String index, Call<T> call) {
        try {
            return call.run();
        } catch (IOException | RuntimeException e) {
            if (missingIndex(e).filter(index::equals).isPresent()) {
                throw new BackendUnavailableException(
                        "search index: cannot " + action + ": " + missing(index), withoutQuery(e));
            }
            throw failure(action, e);
        }
    }

    /** That {@code index} does not exist, and the two ways out. */
    static String missing(String index) {
        return "index " + index + " does not exist: run chat-cli reindex to build it from the store, or check"
                + " CHAT_ELASTICSEARCH_INDEX if the name is not the servers'";
    }

    private static BackendUnavailableException failure(String action, Exception e) {
        String detail = switch (e) {
            case ElasticsearchException refused -> refused.response().error().type() + ": " + refused.getMessage();
            case ResponseException refused -> describe(refused);
            default -> e.toString();
        };
        return new BackendUnavailableException("search index: cannot " + action + ": " + detail, withoutQuery(e));
    }

    /** Not the low-level client's exception: its message names the request's URI, and a search's routing is a token. */
    private static Exception withoutQuery(Exception e) {
        return e instanceof ResponseException refused ? RefusedRequest.of(refused) : e;
    }

    /** The index an {@code index_not_found_exception} names, of either client's error; empty for other failures. */
    private static Optional<String> missingIndex(Exception e) {
        if (e instanceof ElasticsearchException refused) {
            ErrorCause error = refused.response().error();
            JsonData index =
                    INDEX_NOT_FOUND.equals(error.type()) ? error.metadata().get("index") : null;
            try {
                return Optional.ofNullable(index).map(name -> name.to(String.class));
            } catch (RuntimeException notAString) {
                return Optional.empty();
            }
        }
        if (e instanceof ResponseException refused && refused.getResponse().getStatusCode() == 404) {
            try {
                JsonNode error = read(refused.getResponse()).path("error");
                if (INDEX_NOT_FOUND.equals(error.path("type").asText()) && error.hasNonNull("index")) {
                    return Optional.of(error.path("index").asText());
                }
            } catch (IOException | RuntimeException unreadable) {
                e.addSuppressed(unreadable);
            }
        }
        return Optional.empty();
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

    /**
     * A refused document, named by its chat and message numbers: its id ({@link MessageDocuments#id}) begins with the
     * application's token. The reason is cut at its first quote: what Elasticsearch quotes is the id again, a preview
     * of the field's value or the prefix of a term, that is a body. This text is logged at every retry.
     */
    private static String describe(String id, String type, String reason) {
        int message = id.lastIndexOf('/');
        int chat = message <= 0 ? -1 : id.lastIndexOf('/', message - 1);
        String token = chat < 0 ? id : id.substring(0, chat);
        int quote = reason.indexOf('\'');
        String unquoted = quote < 0 ? reason : reason.substring(0, quote).strip() + " …";
        return "document …" + (chat < 0 ? "" : id.substring(chat)) + ": " + type + ": "
                + (token.isEmpty() ? unquoted : unquoted.replace(token, "…"));
    }

    /**
     * HTTP status, type and reason of a refused request, from Elasticsearch's error body; its method, path and status
     * when that cannot be read (not the client's message: it names the request's query string, a search's routing
     * included, which is a token).
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
        return RefusedRequest.describe(e);
    }
}
