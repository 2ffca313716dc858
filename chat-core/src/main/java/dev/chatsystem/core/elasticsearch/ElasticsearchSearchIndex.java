package dev.chatsystem.core.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Request;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.Urls;
import dev.chatsystem.core.search.QueryWords;
import dev.chatsystem.core.spi.IndexRebuild;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.SearchIndex;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.lucene.store.AlreadyClosedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SearchIndex} on Elasticsearch 9: one index holds every message, each document routed by its chat
 * ({@code token/chat}) so that a chat lives on, and a search reads, a single shard.
 *
 * <p>Bodies are indexed with the built-in {@code standard} analyzer and queries are analyzed client-side by
 * {@link QueryWords}, which tokenizes identically; the query is the one the embedded Lucene index runs (see
 * {@link MessageSearches}), never query-string syntax.
 *
 * <p>{@link #open} creates the index with an explicit, strict mapping when it is missing, and fails when
 * Elasticsearch rejects that (e.g. an invalid index name). When Elasticsearch does not answer then, opening still
 * succeeds (health reports the backend down) and the index is created before the
 * first write or search that finds Elasticsearch back. Opened without upkeep (for admin tools that only look), it
 * changes nothing of the index, its template or its mapping, but in a full rebuild ({@link #startRebuild}).
 *
 * <p>Durability is Elasticsearch's (translog), so this adapter never asks for a rebuild: {@link #needsRebuild} is
 * always false. Writes that failed while it was unreachable are repaired by the caller retrying them (the write
 * queue), not by a rebuild. A full rebuild ({@link #startRebuild}) fills a new index and swaps it in under the
 * name ({@link AliasSwapRebuild}); its mapping records the document layout, where an index of documents written by an
 * older version is noticed at open, logged and reported by {@link #health} (up, with a warning), as it needs {@code
 * chat-cli reindex}.
 *
 * <p>Thread-safe: the client is. Every failure, including connection errors, surfaces as
 * {@link BackendUnavailableException}; no client type crosses the port.
 */
public final class ElasticsearchSearchIndex implements SearchIndex {
    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchSearchIndex.class);
    /**
     * The warning of a rebuild whose layout was not recorded, under a name of its own: nothing else tells the admin who
     * ran it (chat-cli shows this logger by default, while the class's other warnings repeat what its commands print).
     */
    private static final Logger LAYOUT_LOG =
            LoggerFactory.getLogger(ElasticsearchSearchIndex.class.getName() + ".layout");
    /**
     * A clean bulk then answers {@code "errors":false} and each item's id and status (some 35 bytes an item: filtering
     * cannot keep the ids of failed items only); a failed item also its error's type and reason.
     */
    private static final String BULK_FILTER =
            "errors,items.*.status,items.*.error.type,items.*.error.reason,items.*._id";

    /** A search answers only what it needs: each hit's sort values, and how many shards it searched. */
    private static final String SEARCH_FILTER = "hits.hits.sort,_shards.total";

    private final Rest5ClientTransport transport;
    /** The transport's own low-level client, for bulk indexing and searches (see {@link #bulkIndex}). */
    private final Rest5Client rest;

    private final ElasticsearchClient client;
    private final IndexCreator creator;
    private final String indexName;
    private final String bulkEndpoint;
    private final String searchEndpoint;
    private final QueryWords queryWords = new QueryWords();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ElasticsearchSearchIndex(
            Rest5ClientTransport transport,
            String indexName,
            int shards,
            Clock clock,
            BooleanSupplier storeHoldsMessages,
            boolean maintains) {
        this.transport = transport;
        this.rest = transport.restClient();
        this.client = new ElasticsearchClient(transport);
        this.indexName = indexName;
        String index = "/" + URLEncoder.encode(indexName, StandardCharsets.UTF_8);
        this.bulkEndpoint = index + "/_bulk";
        this.searchEndpoint = index + "/_search";
        this.creator = new IndexCreator(client, indexName, shards, clock, storeHoldsMessages, maintains);
    }

    /** Opens the index {@code indexName} (e.g. {@code chat-messages}) on {@code url}, with one primary shard. */
    public static ElasticsearchSearchIndex open(URI url, String indexName) {
        return open(url, indexName, 1);
    }

    /**
     * Opens the index {@code indexName} on {@code url}; when the index is missing it is created with {@code
     * shards} primary shards (an existing index keeps its own).
     */
    public static ElasticsearchSearchIndex open(URI url, String indexName, int shards) {
        return open(url, indexName, shards, Clock.systemUTC(), () -> false);
    }

    /**
     * As {@link #open(URI, String)}, asking {@code storeHoldsMessages} when the index is missing: an index created
     * while the store holds messages lacks them, and {@link #health} warns that it needs {@code chat-cli reindex}.
     */
    public static ElasticsearchSearchIndex open(URI url, String indexName, BooleanSupplier storeHoldsMessages) {
        return open(url, indexName, storeHoldsMessages, true);
    }

    /**
     * As {@link #open(URI, String, BooleanSupplier)} when {@code maintains}. Otherwise, for processes that only look
     * (an admin tool run against servers that may be of another version, with a name that may be mistyped), the index
     * is left as it is: opening puts no template, creates no index, adds no field to the mapping and records no layout,
     * and no read or write creates it. A missing index stays so, reported by {@link #health} and by each call as
     * {@link BackendUnavailableException}, until a full rebuild ({@link #startRebuild}) creates what it needs.
     */
    public static ElasticsearchSearchIndex open(
            URI url, String indexName, BooleanSupplier storeHoldsMessages, boolean maintains) {
        return open(url, indexName, 1, Clock.systemUTC(), storeHoldsMessages, maintains);
    }

    /**
     * A refusal that a later attempt cannot change: a client error, but for a timeout (408) and too many requests
     * (429), which a cluster under memory pressure or restarting answers for a while: a process must start then, with
     * search reported down, as when Elasticsearch does not answer at all.
     */
    static boolean refusedForGood(int status) {
        return status < 500 && status != 408 && status != 429;
    }

    /** The same, timing the re-reads of a stale layout (see {@link StaleLayout}) by {@code clock}. */
    static ElasticsearchSearchIndex open(
            URI url, String indexName, int shards, Clock clock, BooleanSupplier storeHoldsMessages) {
        return open(url, indexName, shards, clock, storeHoldsMessages, true);
    }

    static ElasticsearchSearchIndex open(
            URI url, String indexName, int shards, Clock clock, BooleanSupplier storeHoldsMessages, boolean maintains) {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(indexName, "indexName");
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1, was " + shards);
        }
        Rest5Client rest = RestClients.forUrl(url);
        ElasticsearchSearchIndex index = new ElasticsearchSearchIndex(
                new Rest5ClientTransport(rest, new JacksonJsonpMapper()),
                indexName,
                shards,
                clock,
                storeHoldsMessages,
                maintains);
        try {
            index.creator.prepare();
        } catch (BackendUnavailableException e) {
            if (e.getCause() instanceof ElasticsearchException refused && refusedForGood(refused.status())) {
                index.close(); // Elasticsearch answered and said no (e.g. an invalid name): retrying cannot help
                throw e;
            }
            // The reason, not a stack trace: an operator's every CLI command would print one while it is down.
            LOG.warn(
                    "Elasticsearch at {} is unavailable; index {} will be {} when it answers: {}",
                    Urls.redact(url),
                    indexName,
                    maintains ? "created" : "checked",
                    e.getMessage());
            LOG.debug("Elasticsearch unavailable at open", e);
        }
        return index;
    }

    @Override
    public void upsert(List<IndexedMessage> messages) {
        indexHere(messages, "wait_for");
    }

    /** Without {@code refresh=wait_for}: the queue workers would otherwise index one batch per refresh interval. */
    @Override
    public void indexInBackground(List<IndexedMessage> messages) {
        indexHere(messages, "false");
    }

    /** Into this index; without upkeep, only while it exists ({@link IndexCreator#requireWritable}). */
    private void indexHere(List<IndexedMessage> messages, String refresh) {
        if (!messages.isEmpty()) {
            ensureOpen();
            creator.requireWritable();
        }
        bulkIndex(bulkEndpoint, messages, refresh);
    }

    /**
     * Into a new index beside this one, which replaces it when complete ({@link AliasSwapRebuild}). Creates this one
     * first when missing, with or without upkeep: the rebuild swaps an index in for it, and is the operator's fix for
     * a missing index.
     */
    @Override
    public IndexRebuild startRebuild() {
        ensureOpen();
        creator.ensureCreated();
        return AliasSwapRebuild.start(this, creator, indexName);
    }

    /** Indexes {@code messages} into the index {@code name} (not this one's), refreshing as {@code refresh} says. */
    void indexInto(String name, List<IndexedMessage> messages, String refresh) {
        bulkIndex("/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/_bulk", messages, refresh);
    }

    /** The low-level client, for requests the typed client has no use in. */
    Rest5Client rest() {
        return rest;
    }

    /**
     * One {@code _bulk} request through the low-level client, its body streamed by {@link BulkBody} and its answer
     * read as a tree: the typed client's request builders and document data-binding took over a third of an index
     * worker's CPU.
     */
    private void bulkIndex(String endpoint, List<IndexedMessage> messages, String refresh) {
        Objects.requireNonNull(messages, "messages");
        if (messages.isEmpty()) {
            return;
        }
        ensureOpen();
        List<List<IndexedMessage>> chunks = BulkBody.chunks(messages, BulkBody.MAX_BYTES);
        for (List<IndexedMessage> chunk : chunks) {
            HttpEntity body;
            try {
                body = BulkBody.index(chunk, queryWords);
            } catch (AlreadyClosedException e) { // closed concurrently
                throw new BackendUnavailableException("the search index is closed", e);
            }
            // Every chunk waits (wait_for): a request waits only for the shards it wrote to, so on an index of several
            // shards the last chunk's refresh may leave an earlier chunk's chats unsearchable. Chunks are 8 MB of
            // bodies: nearly every upsert is one.
            bulk(endpoint, "index messages", body, refresh);
        }
    }

    /** Sends one {@code _bulk} body; a version conflict means a newer state is there already: done, not failed. */
    private void bulk(String endpoint, String action, HttpEntity body, String refresh) {
        Request request = new Request("POST", endpoint);
        request.addParameter("refresh", refresh);
        request.addParameter("filter_path", BULK_FILTER);
        request.setEntity(body);
        JsonNode response = call(action, () -> ClientCalls.json(rest.performRequest(request)));
        ClientCalls.firstErrorBesidesConflicts(response).ifPresent(error -> {
            throw new BackendUnavailableException("search index: cannot " + action + ": " + error);
        });
    }

    @Override
    public List<Long> search(String token, long chatNumber, String query, int limit) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(query, "query");
        ensureOpen();
        SequencedSet<String> words;
        try {
            words = queryWords.words(query);
        } catch (AlreadyClosedException e) { // closed concurrently
            throw new BackendUnavailableException("the search index is closed", e);
        }
        if (words.isEmpty() || limit <= 0) {
            return List.of();
        }
        JsonNode hits =
                searchResponse(token, chatNumber, words, limit).path("hits").path("hits");
        List<Long> numbers = new ArrayList<>(hits.size());
        for (JsonNode hit : hits) {
            numbers.add(hit.path("sort").path(1).asLong()); // sorted by _score, then number
        }
        return List.copyOf(numbers);
    }

    /**
     * The answer to a search, filtered to each hit's sort values and the number of shards searched (for tests that
     * check the routing).
     */
    JsonNode searchResponse(String token, long chatNumber, SequencedSet<String> words, int limit) {
        Request request = new Request("POST", searchEndpoint);
        request.addParameter("routing", MessageDocuments.chatKey(token, chatNumber));
        request.addParameter("filter_path", SEARCH_FILTER);
        if (creator.maintains()) {
            // An index deleted under us finds nothing until the next bulk request recreates it (IndexCreator's
            // template). Without upkeep nothing recreates it: the search fails, saying it is missing (call).
            request.addParameter("ignore_unavailable", "true");
        }
        request.setEntity(MessageSearches.body(token, chatNumber, words, limit));
        return call("search", () -> ClientCalls.json(rest.performRequest(request)));
    }

    /** Deletes in rounds ({@link ClearInRounds}), each delete versioned so that a rebuild right after succeeds. */
    @Override
    public void clear(Optional<String> token) {
        Objects.requireNonNull(token, "token");
        ClearInRounds.clear(this, client, indexName, token);
    }

    /** Deletes the documents {@code hits} found, each with its routing and version ({@link ClearInRounds}). */
    void deleteAll(List<Hit<Void>> hits) {
        bulk(bulkEndpoint, "clear", BulkBody.deletes(hits), "true");
    }

    @Override
    public long count() {
        return call("count", () -> client.count(c -> c.index(indexName)).count());
    }

    @Override
    public boolean needsRebuild() {
        return false; // see the class comment: Elasticsearch keeps what it acknowledged
    }

    /**
     * Records in the mapping that every document is of this code's layout (see {@link IndexCreator#layout}). Only
     * bookkeeping: when Elasticsearch cannot take it, the rebuild still stands and processes keep warning (at start
     * and in {@link #health}).
     */
    @Override
    public void rebuilt() {
        try {
            call("record the index layout", () -> {
                creator.recordLayout();
                return null;
            });
        } catch (BackendUnavailableException e) {
            LAYOUT_LOG.warn(
                    "every document is indexed, but the index layout could not be recorded ({}); processes will warn"
                            + " of an older layout until the next full reindex",
                    e.getMessage());
        }
    }

    /**
     * Down when the cluster is unreachable or the index is red or missing; up with a warning while it lacks older
     * messages (created again by a write after it was deleted, or empty over a store holding messages), writes to it
     * are blocked or it holds documents of an older layout ({@link IndexHealth}).
     */
    @Override
    public BackendStatus health() {
        if (closed.get()) {
            return BackendStatus.down("search", IndexHealth.KIND, "closed");
        }
        return IndexHealth.of(rest, indexName, creator.staleLayout());
    }

    /** Closes the HTTP client that {@link #open} created; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        queryWords.close();
        try {
            transport.close();
        } catch (IOException e) {
            throw new BackendUnavailableException("search index: cannot close the Elasticsearch client: " + e, e);
        }
    }

    /**
     * Runs one client call, creating the index first if that has not succeeded yet (or, without upkeep, looking at
     * it), translating failures: that this index is missing, with what to do.
     */
    <T> T call(String action, ClientCalls.Call<T> call) {
        ensureOpen();
        creator.prepare();
        return ClientCalls.translate(action, indexName, call);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new BackendUnavailableException("the search index is closed");
        }
    }
}
