package dev.chatsystem.core.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import co.elastic.clients.elasticsearch._types.mapping.DynamicMapping;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import co.elastic.clients.elasticsearch.core.GetResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.search.QueryWords;
import dev.chatsystem.core.search.WordGrams;
import dev.chatsystem.core.spi.IndexedMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the hand-written {@code _bulk} requests ({@link BulkBody}, read back by {@link ClientCalls}) must get right
 * beyond the contract suite: escaping, per-document and whole-request refusals, versions, the index name in the
 * path. Against a real node ({@code scripts/services up}).
 */
class ElasticsearchBulkIndexingTest {
    private static final String APP = "app-token";
    private static final long CHAT = 1;

    @RegisterExtension
    static final TestIndices indices = new TestIndices();

    @Test
    void storesBodiesThatJsonMustEscapeExactly() throws IOException {
        List<String> bodies = List.of(
                "say \"quoted\" words",
                "back\\slash C:\\temp\\new and \\u0041 literally",
                "first line\nsecond line\r\nthird\ttabbed",
                "control \u0000 nul \u0001 soh \u001f us \u007f del and \u2028 separator",
                "emoji 😀🎉 flags 🇫🇷 and 日本語 straße",
                "</script> {\"json\": [1, 2]} '\\n' \\\"");
        String name = indices.newName();
        try (ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(indices.url(), name)) {
            List<IndexedMessage> messages = new ArrayList<>();
            for (int i = 0; i < bodies.size(); i++) {
                messages.add(new IndexedMessage(APP, CHAT, i + 1, bodies.get(i), 1));
            }
            index.upsert(messages);

            for (IndexedMessage message : messages) {
                JsonNode source = source(name, message);
                assertThat(source.path(MessageDocuments.BODY).asText())
                        .isEqualTo(QueryWords.normalized(message.body()));
                List<String> grams = new ArrayList<>();
                source.path(MessageDocuments.GRAMS).forEach(gram -> grams.add(gram.asText()));
                try (QueryWords words = new QueryWords()) {
                    assertThat(grams).isEqualTo(WordGrams.fieldValues(words.bodyWords(message.body())));
                    assertThat(source.path(MessageDocuments.PIECES).asText())
                            .isEqualTo(WordGrams.pieces(words.bodyWords(message.body())));
                }
            }
            assertThat(index.search(APP, CHAT, "quoted", 10)).containsExactly(1L);
            assertThat(index.search(APP, CHAT, "temp", 10)).containsExactly(2L);
            assertThat(index.search(APP, CHAT, "second", 10)).containsExactly(3L);
            assertThat(index.search(APP, CHAT, "tabbed", 10)).containsExactly(3L);
            assertThat(index.search(APP, CHAT, "separator", 10)).containsExactly(4L);
            assertThat(index.search(APP, CHAT, "😀", 10)).containsExactly(5L);
            assertThat(index.search(APP, CHAT, "日本", 10)).containsExactly(5L);
            assertThat(index.search(APP, CHAT, "script", 10)).containsExactly(6L);
        }
    }

    /**
     * A batch of the longest bodies, one long word each (some 6 bytes of document per body character with the grams),
     * goes out in several bulk requests of at most {@link BulkBody#MAX_BYTES}: as one, 500 of them would pass
     * Elasticsearch's 100 MB request limit and be refused on every retry.
     */
    @Test
    void splitsABatchOfLongBodiesIntoBoundedRequests() {
        java.util.Random random = new java.util.Random(7);
        List<IndexedMessage> messages = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            StringBuilder body = new StringBuilder("needle").append(i).append(' ');
            while (body.length() < 65_535) {
                body.append((char) ('a' + random.nextInt(26)));
            }
            messages.add(new IndexedMessage(APP, CHAT, i, body.toString(), i));
        }
        assertThat(BulkBody.chunks(messages, BulkBody.MAX_BYTES)).hasSizeGreaterThan(1);

        try (ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(indices.url(), indices.newName())) {
            index.upsert(messages);

            assertThat(index.count()).isEqualTo(40);
            assertThat(index.search(APP, CHAT, "needle40", 10)).containsExactly(40L);
        }
    }

    /**
     * Someone deletes the index under a running process: searches find nothing instead of failing, and the next bulk
     * request creates it again with its mapping (through the template), so the chat filter keeps matching.
     */
    @Test
    void anIndexDeletedWhileOpenComesBackWithItsMapping() throws IOException {
        String name = indices.newName();
        try (ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(indices.url(), name)) {
            index.upsert(List.of(new IndexedMessage(APP, CHAT, 1, "before the delete", 1)));
            indices.admin().indices().delete(d -> d.index(name));

            assertThat(index.search(APP, CHAT, "before", 10)).isEmpty();
            index.upsert(List.of(new IndexedMessage(APP, CHAT, 2, "after the delete", 2)));

            assertThat(index.search(APP, CHAT, "after", 10)).containsExactly(2L);
            TypeMapping recreated = indices.admin()
                    .indices()
                    .getMapping(m -> m.index(name))
                    .get(name)
                    .mappings();
            assertThat(recreated.dynamic()).isEqualTo(DynamicMapping.Strict);
            assertThat(recreated.meta().get(MessageDocuments.LAYOUT_KEY).to(String.class))
                    .isEqualTo(MessageDocuments.LAYOUT);
        }
    }

    @Test
    void chunksKeepOrderAndBoundTheirEstimatedSize() {
        List<IndexedMessage> messages = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            messages.add(new IndexedMessage(APP, CHAT, i, "x".repeat(i == 5 ? 5_000 : 100), i));
        }
        // 200 + 9 * 100 + 5 * 9 = 1,145 estimated bytes for a short message, 45,245 for the long one
        List<List<IndexedMessage>> chunks = BulkBody.chunks(messages, 2_500);

        assertThat(chunks).flatExtracting(chunk -> chunk).containsExactlyElementsOf(messages);
        assertThat(chunks).extracting(List::size).containsExactly(2, 2, 1, 2, 2, 1);
        assertThat(BulkBody.chunks(messages, Long.MAX_VALUE)).hasSize(1);
        assertThat(BulkBody.chunks(List.of(), 2_500)).isEmpty();
    }

    /**
     * An index whose mapping someone extended with a keyword sub-field of the body (opening keeps it: mappings only
     * grow) refuses a body longer than a keyword term may be: that document fails, the others are indexed.
     */
    @Test
    void namesTheDocumentElasticsearchRefuses() throws IOException {
        String name = indices.newName();
        indices.admin()
                .indices()
                .create(c -> c.index(name)
                        .mappings(m -> m.dynamic(DynamicMapping.Strict)
                                .properties(
                                        MessageDocuments.BODY,
                                        p -> p.text(
                                                t -> t.analyzer("standard").fields("raw", f -> f.keyword(k -> k))))));
        try (ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(indices.url(), name)) {
            String tooLong = "word ".repeat(7_000); // 35,000 bytes; a term may have 32,766
            List<IndexedMessage> batch = List.of(
                    new IndexedMessage(APP, CHAT, 1, "fine before", 1),
                    new IndexedMessage(APP, CHAT, 2, tooLong, 1),
                    new IndexedMessage(APP, CHAT, 3, "fine after", 1));

            assertThatThrownBy(() -> index.upsert(batch))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageStartingWith("search index: cannot index messages: document …/1/2: ")
                    .hasMessageContaining("document_parsing_exception")
                    .hasMessageContaining("body.raw");
            assertThat(index.count()).isEqualTo(2);
        }
    }

    /**
     * A request Elasticsearch refuses as a whole answers 400; that names the action and Elasticsearch's error. Bulk
     * bodies are parsed as they arrive, so Elasticsearch may answer and close the connection while the client still
     * sends: the client then sees the connection closed instead of the answer (seen once in CI). Either is reported
     * as unavailable; the answer, which a few attempts get, carries Elasticsearch's error.
     */
    @Test
    void reportsARefusedRequest() {
        try (ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(indices.url(), indices.newName())) {
            IndexedMessage idTooLong = new IndexedMessage("t".repeat(600), CHAT, 1, "an _id has at most 512 bytes");

            List<String> reports = new ArrayList<>();
            for (int attempt = 0; attempt < 5 && reports.stream().noneMatch(r -> r.contains("HTTP 400")); attempt++) {
                Throwable thrown = catchThrowable(() -> index.upsert(List.of(idTooLong)));
                assertThat(thrown)
                        .isInstanceOf(BackendUnavailableException.class)
                        .hasMessageStartingWith("search index: cannot index messages: ");
                reports.add(thrown.getMessage());
            }
            assertThat(reports)
                    .anySatisfy(report -> assertThat(report)
                            .startsWith("search index: cannot index messages: HTTP 400: "
                                    + "action_request_validation_exception: ")
                            .contains("is too long"));
            assertThat(index.count()).isZero();
        }
    }

    @Test
    void keepsTheNewestOfStaleAndFreshVersionsInOneBulk() throws IOException {
        String name = indices.newName();
        try (ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(indices.url(), name)) {
            index.upsert(List.of(
                    new IndexedMessage(APP, CHAT, 1, "kept alpha", 3),
                    new IndexedMessage(APP, CHAT, 2, "old beta", 1),
                    new IndexedMessage(APP, CHAT, 3, "kept gamma", 2)));
            List<IndexedMessage> mixed = List.of(
                    new IndexedMessage(APP, CHAT, 1, "stale alpha", 2),
                    new IndexedMessage(APP, CHAT, 2, "fresh beta", 5),
                    new IndexedMessage(APP, CHAT, 3, "stale gamma", 1),
                    new IndexedMessage(APP, CHAT, 4, "fresh delta", 1),
                    new IndexedMessage(APP, CHAT, 3, "stale gamma again", 1));

            index.upsert(mixed);
            index.upsert(mixed.reversed()); // now every versioned item conflicts or repeats its version

            assertThat(index.search(APP, CHAT, "stale", 10)).isEmpty();
            assertThat(index.search(APP, CHAT, "old", 10)).isEmpty();
            assertThat(index.search(APP, CHAT, "kept", 10)).containsExactlyInAnyOrder(1L, 3L);
            assertThat(index.search(APP, CHAT, "fresh", 10)).containsExactlyInAnyOrder(2L, 4L);
            assertThat(version(name, mixed.get(0))).isEqualTo(3);
            assertThat(version(name, mixed.get(1))).isEqualTo(5);
            assertThat(version(name, mixed.get(2))).isEqualTo(2);
            assertThat(index.count()).isEqualTo(4);
        }
    }

    @Test
    void indexesIntoAnIndexWhoseNameNeedsEncodingInAPath() {
        String name = indices.newName() + "+plus"; // '+' means a space in a query string, not in a path
        indices.track(name);
        try (ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(indices.url(), name)) {
            index.upsert(List.of(new IndexedMessage(APP, CHAT, 1, "plus sign")));

            assertThat(index.search(APP, CHAT, "sign", 10)).containsExactly(1L);
        }
    }

    private static JsonNode source(String index, IndexedMessage message) throws IOException {
        return document(index, message).source();
    }

    private static long version(String index, IndexedMessage message) throws IOException {
        return document(index, message).version();
    }

    private static GetResponse<JsonNode> document(String index, IndexedMessage message) throws IOException {
        GetResponse<JsonNode> response = indices.admin()
                .get(
                        g -> g.index(index)
                                .id(MessageDocuments.id(message))
                                .routing(MessageDocuments.chatKey(message.token(), message.chatNumber())),
                        JsonNode.class);
        assertThat(response.found())
                .as("document %s", MessageDocuments.id(message))
                .isTrue();
        return response;
    }
}
