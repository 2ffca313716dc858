package dev.chatsystem.core.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.mapping.DynamicMapping;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.elasticsearch.indices.IndexSettings;
import co.elastic.clients.json.JsonData;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.IndexRebuild;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.SearchCorpus;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.spi.SearchIndexContract;
import dev.chatsystem.core.testing.MovableClock;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The contract suite and Elasticsearch specifics, against a real node ({@code scripts/services up}). */
class ElasticsearchSearchIndexTest extends SearchIndexContract {
    @RegisterExtension
    static final TestIndices indices = new TestIndices();

    @TempDir
    Path tmp;

    @Override
    protected SearchIndex newIndex() {
        return ElasticsearchSearchIndex.open(indices.url(), indices.newName());
    }

    /**
     * A default Elasticsearch has data-stream templates for {@code logs-*-*} and {@code metrics-*-*} (priority 100),
     * and an index cannot be created under a name one of them matches: ours is put first, with a higher priority.
     */
    @Test
    void createsAnIndexWhoseNameADataStreamTemplateAlsoMatches() throws IOException {
        String template = "chat-test-data-streams";
        indices.admin()
                .indices()
                .putIndexTemplate(t -> t.name(template)
                        .indexPatterns("chat-test-ds-*-*")
                        .priority(100L)
                        .dataStream(d -> d));
        try {
            String name = indices.track("chat-test-ds-app-" + UUID.randomUUID());
            try (SearchIndex index = ElasticsearchSearchIndex.open(indices.url(), name)) {
                index.upsert(List.of(message(1, "kept in an index, not a data stream")));

                assertThat(index.search(APP, CHAT, "stream", 10)).containsExactly(1L);
            }
        } finally {
            indices.admin().indices().deleteIndexTemplate(t -> t.name(template));
        }
    }

    @Test
    void addsTheGramsAndPiecesToAnIndexCreatedBeforeThem() throws IOException {
        String name = indices.newName();
        createOlder(name, false);

        try (SearchIndex upgraded = ElasticsearchSearchIndex.open(indices.url(), name)) {
            upgraded.upsert(List.of(message(1, "indexed after the upgrade")));

            assertThat(upgraded.search(APP, CHAT, "upgr", 10)).containsExactly(1L);
            assertThat(upgraded.search(APP, CHAT, "pgrad", 10)).containsExactly(1L);
            assertThat(upgraded.search(APP, CHAT, "pg", 10)).containsExactly(1L);
            assertThat(upgraded.search(APP, CHAT, "u", 10)).containsExactly(1L);
        }
    }

    @Test
    void recordsTheLayoutWhenItCreatesTheIndexAndAfterAFullRebuild() throws IOException {
        String fresh = indices.newName();
        try (ElasticsearchSearchIndex created = ElasticsearchSearchIndex.open(indices.url(), fresh)) {
            created.upsert(List.of(message(1, "new")));
        }
        assertThat(layout(fresh)).isEqualTo(MessageDocuments.LAYOUT);

        String older = indices.newName();
        createOlder(older, true);
        indices.admin().indices().putMapping(m -> m.index(older).meta("owner", JsonData.of("someone else")));
        indexOlderDocument(older);
        try (ElasticsearchSearchIndex upgraded = ElasticsearchSearchIndex.open(indices.url(), older)) {
            assertThat(upgraded.search(APP, CHAT, "writ", 10)).containsExactly(1L);
            // The limitation the log warns about: a short infix misses the document until a full rebuild rewrites it.
            assertThat(upgraded.search(APP, CHAT, "it", 10)).isEmpty();
            assertThat(layout(older)).isNull();

            upgraded.rebuilt();
            assertThat(layout(older)).isEqualTo(MessageDocuments.LAYOUT);
            assertThat(meta(older).get("owner").to(String.class)).isEqualTo("someone else");
        }

        String empty = indices.newName();
        createOlder(empty, true);
        try (ElasticsearchSearchIndex opened = ElasticsearchSearchIndex.open(indices.url(), empty)) {
            assertThat(opened.search(APP, CHAT, "anything", 10)).isEmpty();
        }
        assertThat(layout(empty)).isEqualTo(MessageDocuments.LAYOUT);
    }

    /** An index of an older layout: without the pieces, and without the grams too unless {@code withGrams}. */
    private void createOlder(String name, boolean withGrams) throws IOException {
        TypeMapping.Builder mapping = new TypeMapping.Builder()
                .dynamic(DynamicMapping.Strict)
                .properties(MessageDocuments.ID, p -> p.keyword(k -> k))
                .properties(MessageDocuments.TOKEN, p -> p.keyword(k -> k))
                .properties(MessageDocuments.CHAT, p -> p.keyword(k -> k))
                .properties(MessageDocuments.NUMBER, p -> p.long_(l -> l))
                .properties(MessageDocuments.BODY, p -> p.text(t -> t.analyzer("standard")));
        if (withGrams) {
            mapping.properties(
                    MessageDocuments.GRAMS,
                    p -> p.text(t -> t.analyzer("whitespace").norms(false)));
        }
        indices.admin().indices().create(c -> c.index(name).mappings(mapping.build()));
    }

    /** Indexes message 1, "written before the pieces", as an older version did: with grams, without pieces. */
    private void indexOlderDocument(String name) throws IOException {
        indices.admin()
                .index(i -> i.index(name)
                        .id(APP + "/" + CHAT + "/1")
                        .routing(APP + "/" + CHAT)
                        .refresh(Refresh.True)
                        .document(Map.of(
                                MessageDocuments.ID,
                                APP + "/" + CHAT + "/1",
                                MessageDocuments.TOKEN,
                                APP,
                                MessageDocuments.CHAT,
                                APP + "/" + CHAT,
                                MessageDocuments.NUMBER,
                                1,
                                MessageDocuments.BODY,
                                "written before the pieces",
                                MessageDocuments.GRAMS,
                                List.of("^wr wri rit itt tte ten"))));
    }

    private String layout(String name) throws IOException {
        JsonData layout = meta(name).get(MessageDocuments.LAYOUT_KEY);
        return layout == null ? null : layout.to(String.class);
    }

    private Map<String, JsonData> meta(String name) throws IOException {
        return indices.admin()
                .indices()
                .getMapping(g -> g.index(name))
                .get(name)
                .mappings()
                .meta();
    }

    @Test
    void aRebuildThatCannotRecordTheLayoutStillStands() {
        try (ElasticsearchSearchIndex unreachable =
                ElasticsearchSearchIndex.open(URI.create("http://127.0.0.1:1"), indices.newName())) {
            unreachable.rebuilt(); // logs that the layout is not recorded, and does not throw
            assertThat(unreachable.health().up()).isFalse();
        }
    }

    /**
     * Layout 1 had no pieces; layout 3 held variation selectors and the case pairs lower-casing misses, full-width
     * ASCII and ligatures as written; layout 4 held U+202F inside words, U+034F and the Mongolian variation selectors,
     * and flags without their tags.
     */
    @ParameterizedTest
    @ValueSource(strings = {"1", "3", "4"})
    void healthWarnsOfDocumentsOfAnOlderLayoutUntilAFullRebuild(String olderLayout) throws IOException {
        String name = indices.newName();
        createOlder(name, true);
        indices.admin()
                .indices()
                .putMapping(m -> m.index(name).meta(MessageDocuments.LAYOUT_KEY, JsonData.of(olderLayout)));
        indexOlderDocument(name);

        try (ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(indices.url(), name)) {
            BackendStatus stale = index.health();
            assertThat(stale.up()).isTrue();
            assertThat(stale.warns()).isTrue();
            assertThat(stale.detail())
                    .isEqualTo("documents of an older layout (" + olderLayout + "; this version writes "
                            + MessageDocuments.LAYOUT
                            + "): run chat-cli reindex");

            index.rebuilt();

            assertThat(index.health()).isEqualTo(BackendStatus.up("search", "elasticsearch"));
        }
    }

    @Test
    void healthDoesNotWarnOfAFreshIndexNorOfAnEmptyOlderOne() throws IOException {
        String empty = indices.newName();
        createOlder(empty, false);

        try (ElasticsearchSearchIndex fresh = ElasticsearchSearchIndex.open(indices.url(), indices.newName());
                ElasticsearchSearchIndex upgraded = ElasticsearchSearchIndex.open(indices.url(), empty)) {
            fresh.upsert(List.of(message(1, "new")));

            assertThat(fresh.health()).isEqualTo(BackendStatus.up("search", "elasticsearch"));
            assertThat(upgraded.health()).isEqualTo(BackendStatus.up("search", "elasticsearch"));
        }
    }

    @Test
    void theWarningClearsWithinTheRecheckIntervalOnceAnotherProcessRecordsTheLayout() throws IOException {
        String name = indices.newName();
        createOlder(name, true);
        indexOlderDocument(name);
        MovableClock clock = new MovableClock(Instant.parse("2025-01-01T00:00:00Z"));

        try (ElasticsearchSearchIndex waiting =
                        ElasticsearchSearchIndex.open(indices.url(), name, 1, clock, () -> false);
                ElasticsearchSearchIndex reindexing =
                        ElasticsearchSearchIndex.open(indices.url(), name, 1, clock, () -> false)) {
            assertThat(waiting.health().detail()).contains("older layout (none recorded;");
            reindexing.rebuilt();
            assertThat(reindexing.health().warns()).isFalse();

            clock.advance(StaleLayout.RECHECK_EVERY.minusSeconds(1));
            assertThat(waiting.health().warns()).as("not read again yet").isTrue();
            clock.advance(Duration.ofSeconds(1));
            assertThat(waiting.health()).isEqualTo(BackendStatus.up("search", "elasticsearch"));
        }
    }

    /**
     * A deleted index is down; once a write has created it again from the template (of the current layout, but without
     * the messages indexed before) it is up with a warning, until a full reindex swaps in an index of its own.
     */
    @Test
    void aDeletedIndexIsDownThenWarnsUntilAFullReindexOnceAWriteCreatedItAgain() throws IOException {
        String name = indices.newName();
        createOlder(name, true);
        indexOlderDocument(name);
        MovableClock clock = new MovableClock(Instant.parse("2025-01-01T00:00:00Z"));

        try (ElasticsearchSearchIndex index =
                ElasticsearchSearchIndex.open(indices.url(), name, 1, clock, () -> false)) {
            assertThat(index.health().warns()).isTrue();
            indices.admin().indices().delete(d -> d.index(name));

            BackendStatus missing = index.health();
            assertThat(missing.up()).isFalse();
            assertThat(missing.detail()).startsWith("index " + name + " does not exist: run chat-cli reindex");

            index.upsert(List.of(message(2, "the index again, from its template")));
            clock.advance(StaleLayout.RECHECK_EVERY);

            assertThat(layout(name)).isEqualTo(MessageDocuments.LAYOUT);
            BackendStatus recreated = index.health();
            assertThat(recreated.up())
                    .as("searches work, without the older messages")
                    .isTrue();
            assertThat(recreated.warns()).isTrue();
            assertThat(recreated.detail())
                    .isEqualTo("index " + name + " was created again by a write after it was deleted, so searches miss"
                            + " the messages indexed before: run chat-cli reindex");

            try (IndexRebuild rebuild = index.startRebuild()) {
                rebuild.upsert(List.of(message(1, "written before the pieces"), message(2, "the index again")));
                rebuild.complete();
            }

            assertThat(index.health()).isEqualTo(BackendStatus.up("search", "elasticsearch"));
            assertThat(index.search(APP, CHAT, "pieces", 10)).containsExactly(1L);
        }
    }

    /**
     * Elasticsearch merges a matching template's {@code _meta} into the one a create gives: the indexes this code
     * creates say so themselves, so that neither passes for one a write created through the template.
     */
    @Test
    void theIndexesCreatedAtOpenAndByAFullReindexAreNotTakenForTheTemplates() throws IOException {
        String name = indices.newName();
        try (ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(indices.url(), name)) {
            index.upsert(List.of(message(1, "first")));
            assertThat(createdBy(name)).isEqualTo(IndexCreator.CREATED_AT_OPEN);
            assertThat(index.health()).isEqualTo(BackendStatus.up("search", "elasticsearch"));

            try (IndexRebuild rebuild = index.startRebuild()) {
                rebuild.upsert(List.of(message(1, "first")));
                rebuild.complete();
            }

            String rebuilt = indices.admin()
                    .indices()
                    .getAlias(a -> a.name(name))
                    .aliases()
                    .keySet()
                    .iterator()
                    .next();
            assertThat(createdBy(rebuilt)).isEqualTo(IndexCreator.CREATED_BY_REBUILD);
            assertThat(index.health()).isEqualTo(BackendStatus.up("search", "elasticsearch"));
        }
    }

    /**
     * An index missing at open over a store that holds messages (Elasticsearch's data lost) is created empty: it warns
     * that it lacks them until a full reindex; over an empty store (a new deployment) it is up.
     */
    @Test
    void anIndexCreatedAtOpenOverAStoreHoldingMessagesWarnsUntilAFullReindex() throws IOException {
        String fresh = indices.newName();
        try (ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(indices.url(), fresh, () -> false)) {
            assertThat(index.health()).isEqualTo(BackendStatus.up("search", "elasticsearch"));
        }
        String name = indices.newName();
        try (ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(indices.url(), name, () -> true)) {
            assertThat(createdBy(name)).isEqualTo(IndexCreator.CREATED_EMPTY_OVER_MESSAGES);
            BackendStatus empty = index.health();
            assertThat(empty.up()).isTrue();
            assertThat(empty.warns()).isTrue();
            assertThat(empty.detail())
                    .isEqualTo("index " + name + " was created empty while the store held messages, so searches miss"
                            + " them: run chat-cli reindex");

            try (IndexRebuild rebuild = index.startRebuild()) {
                rebuild.upsert(List.of(message(1, "stored before the index was lost")));
                rebuild.complete();
            }
            assertThat(index.health()).isEqualTo(BackendStatus.up("search", "elasticsearch"));
            assertThat(index.search(APP, CHAT, "lost", 10)).containsExactly(1L);
        }
        try (ElasticsearchSearchIndex reopened = ElasticsearchSearchIndex.open(indices.url(), name, () -> true)) {
            assertThat(reopened.health())
                    .as("an existing index is not marked again")
                    .isEqualTo(BackendStatus.up("search", "elasticsearch"));
        }
    }

    private String createdBy(String name) throws IOException {
        JsonData createdBy = meta(name).get(IndexCreator.CREATED_BY_KEY);
        return createdBy == null ? null : createdBy.to(String.class);
    }

    /** Another deployment's red index on a shared cluster leaves this one's search up. */
    @Test
    void healthIsTheIndexsNotTheClusters() throws IOException {
        String red = indices.newName();
        indices.admin()
                .indices()
                .create(c -> c.index(red)
                        .settings(s -> s.numberOfReplicas("0")
                                .otherSettings("index.routing.allocation.require._name", JsonData.of("no-such-node"))));
        try (ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(indices.url(), indices.newName())) {
            assertThat(indices.admin().cluster().health().status().jsonValue()).isEqualTo("red");

            assertThat(index.health()).isEqualTo(BackendStatus.up("search", "elasticsearch"));
        }
    }

    @Test
    void neverAsksForARebuild() {
        assertThat(index.needsRebuild()).isFalse();
        index.rebuilt();
        assertThat(index.needsRebuild()).isFalse();
    }

    @Test
    void routesEachChatToOneShardOfTheIndexItCreated() throws IOException {
        String name = indices.newName();
        try (ElasticsearchSearchIndex sharded = ElasticsearchSearchIndex.open(indices.url(), name, 2)) {
            sharded.upsert(LongStream.rangeClosed(1, 20)
                    .mapToObj(chat -> new IndexedMessage(APP, chat, chat, "routed words in chat " + chat))
                    .toList());

            for (long chat = 1; chat <= 20; chat++) {
                JsonNode response = sharded.searchResponse(APP, chat, words("routed"), 10);
                assertThat(response.path("_shards").path("total").asInt()).isEqualTo(1);
                assertThat(response.path("hits").path("hits")).hasSize(1);
            }
            IndexSettings settings = indices.admin()
                    .indices()
                    .get(g -> g.index(name))
                    .get(name)
                    .settings()
                    .index();
            assertThat(settings.numberOfShards()).isEqualTo("2");
            assertThat(settings.refreshInterval().time()).isEqualTo(IndexCreator.REFRESH_INTERVAL);
            List<Hit<Void>> all = indices.admin()
                    .search(s -> s.index(name).size(100), Void.class)
                    .hits()
                    .hits();
            assertThat(all)
                    .hasSize(20)
                    .allSatisfy(hit -> assertThat(hit.routing())
                            .isEqualTo(hit.id().substring(0, hit.id().lastIndexOf('/'))));
        }
    }

    /** Both adapters must tokenize and rank alike, down to punctuation, apostrophes, numbers and scripts. */
    @Test
    void answersLikeTheEmbeddedIndex() {
        List<IndexedMessage> messages = List.of(
                message(1, "C++ and C# are languages; so is F*"),
                message(2, "mail me: foo.bar@example.com or visit https://example.com/a?b=c"),
                message(3, "don't stop believin' — it's 3.14 or 2,718 ok?"),
                message(4, "back\\slash and a*b?c wild*cards"),
                message(5, "Ünïcödé straße ÆØÅ 日本語のテキスト 한국어 😀🎉 party"),
                message(6, "under_score hyphen-ated dotted.word x=y+z"),
                message(7, "(parens) [brackets] {braces} \"quotes\" <angle> field:value OR NOT AND"),
                message(8, "ΦΩΣ στο σκοτάδι, φως"),
                message(9, "a wonder\u00ADful J\u030C in İstanbul, Ϋ\u0301 שלום\u200F"));
        List<String> queries = List.of(
                "c",
                "c++",
                "f*",
                "foo",
                "example.com",
                "bar@example",
                "https",
                "don't",
                "dont",
                "3.14",
                "14",
                "2,718",
                "a*b",
                "wild*",
                "slash",
                "\\",
                "straße",
                "STRASSE",
                "strasse",
                "STRAẞE",
                "φως",
                "ΦΩΣ",
                "φωσ",
                "σκοτάδι",
                "wonderful",
                "onderf",
                "\u01F0",
                "i\u0307stanbul",
                "istan",
                "\u03B0",
                "שלום",
                "ünï",
                "日本語",
                "テキスト",
                "한국",
                "😀",
                "party 🎉",
                "under_score",
                "score",
                "hyphen",
                "ated",
                "dotted.word",
                "x=y",
                "parens",
                "\"quotes\"",
                "field:value",
                "or not",
                "AND",
                "e",
                "o",
                "a");
        index.upsert(messages);
        try (SearchIndex lucene = LuceneSearchIndex.open(tmp.resolve("lucene"))) {
            lucene.upsert(messages);
            for (String query : queries) {
                assertThat(search(query)).as("query %s", query).isEqualTo(lucene.search(APP, CHAT, query, 100));
            }
        }
    }

    @Test
    void opensConcurrentlyOnANewIndex() throws Exception {
        String name = indices.newName();
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Long>> openers = IntStream.range(0, 6)
                .<Callable<Long>>mapToObj(i -> () -> {
                    start.await();
                    try (SearchIndex opened = ElasticsearchSearchIndex.open(indices.url(), name)) {
                        opened.upsert(List.of(new IndexedMessage(APP, CHAT, i, "racing " + i)));
                        return opened.count();
                    }
                })
                .toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            List<Future<Long>> results = openers.stream().map(pool::submit).toList();
            start.countDown();
            for (Future<Long> result : results) {
                assertThat(result.get()).isBetween(1L, 6L);
            }
        }
        try (SearchIndex opened = ElasticsearchSearchIndex.open(indices.url(), name)) {
            assertThat(opened.count()).isEqualTo(6);
        }
    }

    @Test
    void isUnavailableWhenElasticsearchDoesNotAnswer() {
        long start = System.nanoTime();
        try (SearchIndex down = ElasticsearchSearchIndex.open(URI.create("http://127.0.0.1:1"), "chat-messages")) {
            assertThat(down.health().up()).isFalse();
            assertThat(down.health().kind()).isEqualTo("elasticsearch");
            assertThatThrownBy(() -> down.upsert(List.of(message(1, "lost"))))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("search index");
            assertThatThrownBy(() -> down.search(APP, CHAT, "lost", 10))
                    .isInstanceOf(BackendUnavailableException.class);
            assertThatThrownBy(down::count).isInstanceOf(BackendUnavailableException.class);
            assertThatThrownBy(() -> down.clear(Optional.empty())).isInstanceOf(BackendUnavailableException.class);
        }
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(20));
    }

    @Test
    void refusesToOpenAnIndexElasticsearchRejects() {
        assertThatThrownBy(() -> ElasticsearchSearchIndex.open(indices.url(), "Not-Lower-Case"))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("invalid_index_name_exception");
    }

    @Test
    void isUnavailableOnceClosed() {
        index.close();
        index.close(); // idempotent

        assertThat(index.health().up()).isFalse();
        assertThatThrownBy(() -> index.upsert(List.of(message(1, "late"))))
                .isInstanceOf(BackendUnavailableException.class);
        assertThatThrownBy(() -> search("late")).isInstanceOf(BackendUnavailableException.class);
        assertThatThrownBy(() -> index.count()).isInstanceOf(BackendUnavailableException.class);
    }

    @Test
    void reportsTheFirstRejectedDocumentOfABulk() throws IOException {
        String name = indices.last();
        index.upsert(List.of(message(1, "before the block")));
        indices.admin().indices().putSettings(p -> p.index(name).settings(st -> st.blocks(b -> b.write(true))));
        try {
            assertThatThrownBy(() -> index.upsert(List.of(message(2, "blocked"), message(3, "blocked too"))))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("cannot index messages")
                    .hasMessageContaining("document …/1/2") // named without its token: this is logged
                    .hasMessageNotContaining("app-token");
        } finally {
            indices.admin().indices().putSettings(p -> p.index(name).settings(st -> st.blocks(b -> b.write(false))));
        }
        assertThat(search("block")).containsExactly(1L);
    }

    @Test
    void aStaleVersionDoesNotRevertANewerOne() {
        index.upsert(List.of(new IndexedMessage(APP, CHAT, 1, "third version", 3)));

        // A worker that stalled past its lease indexes its old batch late: refused per document, not an error.
        index.indexInBackground(List.of(new IndexedMessage(APP, CHAT, 1, "second version", 2)));
        index.upsert(List.of(
                new IndexedMessage(APP, CHAT, 1, "second version", 2), new IndexedMessage(APP, CHAT, 2, "other", 2)));

        assertThat(search("third")).containsExactly(1L);
        assertThat(search("second")).isEmpty();
        assertThat(search("other")).containsExactly(2L);
    }

    @Test
    void indexingTheSameVersionAgainIsANoOp() {
        IndexedMessage stored = new IndexedMessage(APP, CHAT, 1, "stored body", 3);
        index.upsert(List.of(stored));
        index.upsert(List.of(stored));

        assertThat(index.count()).isEqualTo(1);
        assertThat(search("stored")).containsExactly(1L);
    }

    @Test
    void aRebuildRightAfterAClearIndexesTheStoredVersionsAgain() {
        // A delete leaves a tombstone that versioned writes are checked against (index.gc_deletes, 60 s).
        index.upsert(List.of(new IndexedMessage(APP, CHAT, 1, "stored body", 3), message(2, "unversioned body")));
        index.clear(Optional.empty());
        assertThat(index.count()).isZero();

        index.upsert(List.of(new IndexedMessage(APP, CHAT, 1, "stored body", 3), message(2, "unversioned body")));
        index.upsert(List.of(new IndexedMessage(APP, CHAT, 1, "stale body", 2)));

        assertThat(search("stored")).containsExactly(1L);
        assertThat(search("unversioned")).containsExactly(2L);
        assertThat(search("stale")).isEmpty();
    }

    @Test
    void clearsMoreThanOneRound() {
        index.upsert(LongStream.rangeClosed(1, 2_500)
                .mapToObj(n -> new IndexedMessage(n % 2 == 0 ? APP : OTHER_APP, n % 7, n, "many " + n))
                .toList());

        index.clear(Optional.of(APP));
        assertThat(index.count()).isEqualTo(1_250);

        index.clear(Optional.empty());
        assertThat(index.count()).isZero();
    }

    /** Not a benchmark: prints latencies so a regression is visible in the test output; asserts no timing. */
    @Test
    void perfSmoke() {
        Random random = new Random(42);
        List<String> vocabulary = SearchCorpus.vocabulary(random);
        long start = System.nanoTime();
        for (int batch = 0; batch < 10; batch++) {
            List<IndexedMessage> messages = new ArrayList<>(5_000);
            for (int i = 0; i < 5_000; i++) {
                long number = batch * 5_000L + i;
                long chat = batch < 2 ? CHAT : 100 + number % 500; // 10,000 here, 40,000 elsewhere
                messages.add(new IndexedMessage(APP, chat, number, SearchCorpus.body(random, vocabulary)));
            }
            index.upsert(messages);
        }
        long indexMillis = (System.nanoTime() - start) / 1_000_000;

        String searches = SearchCorpus.timeSearches(index, APP, CHAT, random, vocabulary);
        System.out.printf(
                "perfSmoke: indexed 50,000 messages in %d ms (bulks of 5,000, refresh=wait_for); %s%n",
                indexMillis, searches);
        assertThat(index.count()).isEqualTo(50_000);
    }

    // Cycles through whole words, prefixes, infixes and two-word queries, as the Lucene perf smoke does.

    private static LinkedHashSet<String> words(String... words) {
        return new LinkedHashSet<>(List.of(words));
    }
}
