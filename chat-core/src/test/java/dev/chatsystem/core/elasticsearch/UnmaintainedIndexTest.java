package dev.chatsystem.core.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.mapping.DynamicMapping;
import co.elastic.clients.elasticsearch.indices.get_mapping.IndexMappingRecord;
import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.spi.IndexRebuild;
import dev.chatsystem.core.spi.IndexedMessage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The index opened without upkeep, as the admin tool opens it ({@code ChatConfig.maintainsSearchIndex} off): nothing
 * of the index, its template or its mapping changes but in a full rebuild, and a missing index is reported as such.
 */
class UnmaintainedIndexTest {
    @RegisterExtension
    static final TestIndices indices = new TestIndices();

    private static final String APP = "app-token";
    private static final long CHAT = 1;

    /** A mistyped name, say: no call creates it, nor its template, and each one says it is missing. */
    @Test
    void aMissingIndexStaysMissingAndEveryCallSaysSo() throws IOException {
        String name = indices.newName();
        try (ElasticsearchSearchIndex index = unmaintained(name)) {
            BackendStatus health = index.health();
            assertThat(health.up()).isFalse();
            assertThat(health.detail()).startsWith("index " + name + " does not exist: run chat-cli reindex");

            assertMissing(name, index::count);
            assertMissing(name, () -> index.search(APP, CHAT, "anything", 10));
            // A bulk request would create the index, with dynamic mappings as no template matches the name.
            assertMissing(name, () -> index.upsert(List.of(message(1, "would create it"))));
            assertMissing(name, () -> index.indexInBackground(List.of(message(1, "would create it"))));
            assertMissing(name, () -> index.clear(Optional.empty()));
            index.upsert(List.of()); // nothing to write, nothing asked
        }
        assertThat(exists(name)).isFalse();
        assertThat(templateExists(name)).isFalse();
    }

    /** {@code chat-cli reindex}, the fix for a missing index, still creates it, its template and its layout. */
    @Test
    void aFullRebuildCreatesTheMissingIndex() throws IOException {
        String name = indices.newName();
        try (ElasticsearchSearchIndex index = unmaintained(name)) {
            try (IndexRebuild rebuild = index.startRebuild()) {
                rebuild.upsert(List.of(message(1, "rebuilt from the store")));
                rebuild.complete();
            }

            assertThat(index.search(APP, CHAT, "store", 10)).containsExactly(1L);
            index.upsert(List.of(message(2, "written once it exists")));
            assertThat(index.search(APP, CHAT, "written", 10)).containsExactly(2L);
            assertThat(index.health()).isEqualTo(BackendStatus.up("search", "elasticsearch"));
        }
        assertThat(exists(name)).isTrue();
        assertThat(templateExists(name)).isTrue();
        assertThat(mappings(name).values())
                .singleElement()
                .satisfies(index -> assertThat(index.mappings().meta()).containsKey(MessageDocuments.LAYOUT_KEY));
    }

    /**
     * An index of an older layout (a newer admin tool against older servers) keeps its mapping: no field added, no
     * layout recorded, not even in an empty one, no template put. Searches work, and health still warns of the layout.
     */
    @Test
    void anIndexOfAnOlderLayoutIsLeftAsItIs() throws IOException {
        String holding = indices.newName();
        createOlder(holding);
        indices.admin()
                .index(i -> i.index(holding)
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
                                "written by an older version")));
        String empty = indices.newName();
        createOlder(empty);

        try (ElasticsearchSearchIndex older = unmaintained(holding);
                ElasticsearchSearchIndex emptyOlder = unmaintained(empty)) {
            assertThat(older.search(APP, CHAT, "written", 10)).containsExactly(1L);
            assertThat(older.health().warns()).isTrue();
            assertThat(older.health().detail()).contains("older layout (none recorded;");
            assertThat(emptyOlder.search(APP, CHAT, "anything", 10)).isEmpty();
            assertThat(emptyOlder.health()).isEqualTo(BackendStatus.up("search", "elasticsearch"));
        }
        for (String name : List.of(holding, empty)) {
            IndexMappingRecord mapping = mappings(name).get(name);
            assertThat(mapping.mappings().properties())
                    .as(name)
                    .doesNotContainKeys(MessageDocuments.GRAMS, MessageDocuments.PIECES);
            assertThat(mapping.mappings().meta()).as(name).doesNotContainKey(MessageDocuments.LAYOUT_KEY);
            assertThat(templateExists(name)).as(name).isFalse();
        }
    }

    private static ElasticsearchSearchIndex unmaintained(String name) {
        return ElasticsearchSearchIndex.open(indices.url(), name, () -> true, false);
    }

    private static void assertMissing(String name, ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("index " + name + " does not exist: run chat-cli reindex")
                .hasMessageContaining("CHAT_ELASTICSEARCH_INDEX");
    }

    private static IndexedMessage message(long number, String body) {
        return new IndexedMessage(APP, CHAT, number, body);
    }

    /** An index as the first layout had it: no grams, no pieces, no layout recorded. */
    private static void createOlder(String name) throws IOException {
        indices.admin()
                .indices()
                .create(c -> c.index(name)
                        .mappings(m -> m.dynamic(DynamicMapping.Strict)
                                .properties(MessageDocuments.ID, p -> p.keyword(k -> k))
                                .properties(MessageDocuments.TOKEN, p -> p.keyword(k -> k))
                                .properties(MessageDocuments.CHAT, p -> p.keyword(k -> k))
                                .properties(MessageDocuments.NUMBER, p -> p.long_(l -> l))
                                .properties(MessageDocuments.BODY, p -> p.text(t -> t.analyzer("standard")))));
    }

    private static boolean exists(String name) throws IOException {
        return indices.admin().indices().exists(e -> e.index(name)).value();
    }

    private static boolean templateExists(String name) throws IOException {
        return indices.admin()
                .indices()
                .existsIndexTemplate(t -> t.name(IndexCreator.templateName(name)))
                .value();
    }

    /** The mapping of each index {@code name} leads to (itself, or the index of the alias a full rebuild made). */
    private static Map<String, IndexMappingRecord> mappings(String name) throws IOException {
        return indices.admin().indices().getMapping(g -> g.index(name)).mappings();
    }
}
