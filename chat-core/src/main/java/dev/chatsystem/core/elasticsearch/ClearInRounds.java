package dev.chatsystem.core.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.util.List;
import java.util.Optional;

/**
 * {@link ElasticsearchSearchIndex#clear}: deletes in rounds, finding up to {@value #BATCH} matching documents and
 * bulk-deleting them with their routing and a refresh, until none is left. Not {@code _delete_by_query}: that lives in
 * the reindex module, which not every distribution ships (the minimal one the tests run on does not). Like {@code
 * _delete_by_query}, it removes what was visible when it started; a message indexed concurrently may survive.
 *
 * <p>Each delete carries the version it found ({@code external_gte}): a versioned delete leaves a tombstone with that
 * version (for {@code index.gc_deletes}, 60 s), so the rebuild that follows can index the same version again. An
 * unversioned delete would leave the version plus one and refuse the rebuild's documents. A document indexed anew
 * since the search has a higher version and is kept (a conflict, not an error).
 */
final class ClearInRounds {
    static final int BATCH = 1_000;

    private ClearInRounds() {}

    /** Deletes the documents of the application {@code token}, or every document, from the index {@code indexName}. */
    static void clear(
            ElasticsearchSearchIndex index, ElasticsearchClient client, String indexName, Optional<String> token) {
        Query query = token.map(t -> Query.of(
                        q -> q.term(m -> m.field(MessageDocuments.TOKEN).value(t))))
                .orElseGet(() -> Query.of(q -> q.matchAll(m -> m)));
        List<Hit<Void>> hits;
        do {
            hits = index.call(
                            "clear",
                            () -> client.search(
                                    s -> s.index(indexName)
                                            .query(query)
                                            .size(BATCH)
                                            .source(src -> src.fetch(false))
                                            .version(true)
                                            .trackTotalHits(t -> t.enabled(false)),
                                    Void.class))
                    .hits()
                    .hits();
            if (!hits.isEmpty()) {
                index.deleteAll(hits);
            }
        } while (hits.size() == BATCH);
    }
}
