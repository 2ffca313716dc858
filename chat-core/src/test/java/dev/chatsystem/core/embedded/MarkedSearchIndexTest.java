package dev.chatsystem.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.elasticsearch.ElasticsearchSearchIndex;
import dev.chatsystem.core.elasticsearch.TestIndices;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.IndexRebuild;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.Services;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The marker that makes the next start rebuild an index that cannot tell by itself that it missed writes. A real
 * Lucene index stands in for Elasticsearch where the marker alone is tested; the wiring is tested on Elasticsearch.
 */
class MarkedSearchIndexTest {
    private static final String ABANDONED = TestIndices.uniqueName("marked-abandoned");
    private static final String MARKED = TestIndices.uniqueName("marked-search-index");
    private static final String LEFTOVER = TestIndices.uniqueName("marked-leftover");

    @TempDir
    Path dataDir;

    @AfterAll
    static void deleteIndices() throws IOException {
        TestIndices.delete(ABANDONED, MARKED, LEFTOVER);
    }

    private Path marker() {
        return dataDir.resolve(MarkedSearchIndex.FILE_NAME);
    }

    private static void rebuildInFull(SearchIndex index) {
        try (IndexRebuild rebuild = index.startRebuild()) {
            rebuild.complete();
        }
    }

    private MarkedSearchIndex open(String indexDir) {
        LuceneSearchIndex lucene = LuceneSearchIndex.open(dataDir.resolve(indexDir));
        lucene.rebuilt(); // a new Lucene index asks for a build of its own; built from an empty store, it is complete
        return MarkedSearchIndex.open(lucene, dataDir, lucene.count());
    }

    @Test
    void aCleanCloseWithNothingMissedRemovesTheMarker() {
        MarkedSearchIndex index = open("a");
        assertThat(index.needsRebuild()).isFalse();
        assertThat(marker()).exists();

        index.close();
        assertThat(marker()).doesNotExist();
        MarkedSearchIndex again = open("a");
        assertThat(again.needsRebuild()).isFalse();
        again.close();
    }

    @Test
    void aMarkerLeftByACrashAsksForARebuildUntilOneCompletes() {
        MarkedSearchIndex crashed = open("a"); // never closed, as after a kill -9
        MarkedSearchIndex next = open("b");

        assertThat(next.needsRebuild()).isTrue();
        rebuildInFull(next);
        assertThat(next.needsRebuild()).isFalse();
        next.close();
        assertThat(marker()).doesNotExist();
        crashed.close(); // only to release its Lucene directory
    }

    /** A rebuild owed and not running (the admin tool does not run it at open) is a warning, gone once rebuilt. */
    @Test
    void healthWarnsWhileARebuildIsOwedAndNoneRuns() {
        MarkedSearchIndex crashed = open("a");
        MarkedSearchIndex next = open("b");
        assertThat(next.health().warns()).isTrue();
        assertThat(next.health().detail()).contains("index incomplete", "reindex");

        try (IndexRebuild rebuild = next.startRebuild()) {
            assertThat(next.health().warns()).as("while rebuilding").isFalse();
            rebuild.complete();
        }
        assertThat(next.health().warns()).isFalse();
        next.close();
        crashed.close();
    }

    @Test
    void anIndexHoldingFewerDocumentsThanTheStoreHasMessagesAsksForARebuild() {
        LuceneSearchIndex lucene = LuceneSearchIndex.open(dataDir.resolve("a"));
        lucene.rebuilt(); // complete by its own account, but empty: new beside a store that has messages
        try (MarkedSearchIndex index = MarkedSearchIndex.open(lucene, dataDir, 1)) {
            assertThat(index.needsRebuild()).isTrue();
        }
    }

    /**
     * Documents of an older layout (0: before the ς/ß folding, say; 3: before variation selectors were removed and
     * the case pairs lower-casing misses, full-width ASCII and ligatures folded; 4: before U+202F was a space, U+034F
     * and the Mongolian variation selectors went and flags kept their tags) are rebuilt once, and the layout
     * recorded.
     */
    @ParameterizedTest
    @ValueSource(strings = {"0", "3", "4"})
    void anIndexBuiltWithAnOlderLayoutIsRebuiltOnceAndTheLayoutRecorded(String olderLayout) throws Exception {
        LuceneSearchIndex lucene = LuceneSearchIndex.open(dataDir.resolve("a"));
        lucene.rebuilt();
        lucene.upsert(java.util.List.of(new dev.chatsystem.core.spi.IndexedMessage("tok", 1, 1, "straße", 1)));
        Path layout = dataDir.resolve(MarkedSearchIndex.LAYOUT_FILE);
        Files.writeString(layout, olderLayout + "\n"); // as the data dir of an older version would have it

        MarkedSearchIndex old = MarkedSearchIndex.open(lucene, dataDir, 1);
        assertThat(old.needsRebuild()).isTrue();
        rebuildInFull(old);
        assertThat(Files.readString(layout).strip()).isEqualTo(MarkedSearchIndex.LAYOUT);
        old.close();

        MarkedSearchIndex current = open("a");
        assertThat(current.needsRebuild()).isFalse();
        current.close();
    }

    @Test
    void aNewDataDirRecordsTheLayoutWithoutARebuild() throws Exception {
        MarkedSearchIndex index = open("a"); // no messages stored
        assertThat(index.needsRebuild()).isFalse();
        assertThat(Files.readString(dataDir.resolve(MarkedSearchIndex.LAYOUT_FILE))
                        .strip())
                .isEqualTo(MarkedSearchIndex.LAYOUT);
        index.close();
    }

    @Test
    void aFullRebuildThatDoesNotCompleteKeepsTheMarker() {
        MarkedSearchIndex index = open("a");
        index.startRebuild().close(); // a rebuild starts, and fails before it completes
        assertThat(index.needsRebuild()).isTrue();
        index.close();
        assertThat(marker()).exists();
    }

    @Test
    void anIndexThatCannotCountNowIsCheckedByTheMarkerAlone() throws Exception {
        Files.writeString(dataDir.resolve(MarkedSearchIndex.LAYOUT_FILE), MarkedSearchIndex.LAYOUT);
        LuceneSearchIndex closed = LuceneSearchIndex.open(dataDir.resolve("a"));
        closed.rebuilt();
        closed.close(); // its count() fails, as Elasticsearch's does while it is down
        MarkedSearchIndex index = MarkedSearchIndex.open(closed, dataDir, 5);
        assertThat(index.needsRebuild()).isFalse();
    }

    @Test
    void theEmbeddedStoreStartsWhileElasticsearchIsDownAndKeepsTheMarker() throws Exception {
        Files.createFile(marker()); // left by a crash: a rebuild is owed
        ChatConfig config = ChatConfig.builder()
                .dataDir(dataDir)
                .elasticsearchUrl(java.net.URI.create("http://127.0.0.1:1"))
                .build();
        try (ChatSystem system = ChatSystem.open(config)) {
            String token = system.createApplication("while down").token();
            assertThat(system.application(token).name()).isEqualTo("while down");
        }
        assertThat(marker()).exists();
    }

    /** A data dir served by one index, then the other, then the first again: the first missed the middle part. */
    @Test
    void eachIndexIsMarkedStaleWhileTheOtherServesTheDataDir() throws Exception {
        try (ChatSystem lucene = ChatSystem.open(ChatConfig.embedded(dataDir))) {
            lucene.createApplication("on Lucene");
        }
        Path luceneMarker = dataDir.resolve("index").resolve("dirty");
        assertThat(luceneMarker).doesNotExist(); // closed cleanly

        ChatConfig elasticsearch = ChatConfig.builder()
                .dataDir(dataDir)
                .elasticsearchUrl(java.net.URI.create("http://127.0.0.1:1")) // down: the process starts anyway
                .build();
        try (ChatSystem system = ChatSystem.open(elasticsearch)) {
            system.createApplication("on Elasticsearch");
        }
        assertThat(luceneMarker)
                .as("Lucene missed what Elasticsearch was given")
                .exists();

        Files.deleteIfExists(marker()); // as after Elasticsearch's own rebuild completed
        Files.writeString(dataDir.resolve(MarkedSearchIndex.LAYOUT_FILE), MarkedSearchIndex.LAYOUT);
        try (ChatSystem lucene = ChatSystem.open(ChatConfig.embedded(dataDir))) {
            assertThat(lucene.health().healthy()).isTrue();
        }
        assertThat(marker()).as("Elasticsearch misses what Lucene is given").exists();
        assertThat(luceneMarker).as("rebuilt at that start and closed cleanly").doesNotExist();
    }

    @Test
    void aDataDirThatNeverUsedElasticsearchGetsNoMarkerOfIt() {
        try (ChatSystem lucene = ChatSystem.open(ChatConfig.embedded(dataDir))) {
            lucene.createApplication("only Lucene");
        }
        assertThat(marker()).doesNotExist();
    }

    @Test
    void missedWritesKeepTheMarkerUntilAFullRebuildStartedAfterThem() {
        MarkedSearchIndex index = open("a");
        MissedWrites missed = index.missedWrites();
        missed.record();
        assertThat(missed.unrepaired()).isTrue();
        index.close();
        assertThat(marker()).exists();

        MarkedSearchIndex reopened = open("a");
        MissedWrites missedAgain = reopened.missedWrites();
        assertThat(reopened.needsRebuild()).isTrue();
        try (IndexRebuild rebuild = reopened.startRebuild()) {
            missedAgain.record(); // during the rebuild: the rebuild may have passed that chat already
            rebuild.complete();
        }
        assertThat(reopened.needsRebuild()).isFalse();
        assertThat(missedAgain.unrepaired()).isTrue();
        reopened.clear(Optional.of("one-application")); // one application's reindex repairs nothing else
        reopened.rebuilt();
        assertThat(missedAgain.unrepaired()).isTrue();
        reopened.close();
        assertThat(marker()).exists();

        MarkedSearchIndex last = open("a");
        rebuildInFull(last);
        last.close();
        assertThat(marker()).doesNotExist();
    }

    /** Elasticsearch keeps its index whole until a rebuild swaps in: abandoning one owes nothing. */
    @Test
    void anAbandonedRebuildOfElasticsearchOwesNoRebuildAtTheNextStart() {
        try (SearchIndex elasticsearch = ElasticsearchSearchIndex.open(Services.requireElasticsearch(), ABANDONED)) {
            MarkedSearchIndex index = MarkedSearchIndex.open(elasticsearch, dataDir, 0);
            assertThat(index.needsRebuild()).isFalse();

            try (IndexRebuild rebuild = index.startRebuild()) {
                assertThat(index.needsRebuild()).isTrue(); // a crash now rebuilds at the next start
                rebuild.upsert(List.of());
            } // failed before it completed

            assertThat(index.needsRebuild()).isFalse();
            index.close();
            assertThat(marker()).doesNotExist();
        }
    }

    @Test
    void theEmbeddedStoreWithElasticsearchKeepsTheMarkerWhileOpen() {
        ChatConfig config = ChatConfig.builder()
                .dataDir(dataDir)
                .elasticsearchUrl(Services.requireElasticsearch())
                .elasticsearchIndex(MARKED)
                .build();
        try (ChatSystem system = ChatSystem.open(config)) {
            assertThat(marker()).exists();
            String token = system.createApplication("marked").token();
            system.createChat(token);
            system.createMessage(token, 1, "indexed before the close");
        }
        assertThat(marker()).doesNotExist();
        assertThat(Files.exists(dataDir.resolve("index"))).isFalse(); // no Lucene index beside it
    }

    /**
     * A marker left by a process that did not close (kill -9): the next start of the embedded store with Elasticsearch
     * rebuilds the index from the store, so a message the index missed is found again. The index below holds as many
     * documents as the store has messages, so only the marker can tell.
     */
    @Test
    void theEmbeddedStoreWithElasticsearchRebuildsAtTheNextStartWhenTheMarkerWasLeft() throws Exception {
        ChatConfig config = ChatConfig.builder()
                .dataDir(dataDir)
                .elasticsearchUrl(Services.requireElasticsearch())
                .elasticsearchIndex(LEFTOVER)
                .build();
        String token;
        try (ChatSystem system = ChatSystem.open(config)) {
            token = system.createApplication("leftover marker").token();
            system.createChat(token);
            system.createMessage(token, 1, "indexed all along");
            system.createMessage(token, 1, "missed by the index");
        }
        assertThat(marker()).doesNotExist();
        try (SearchIndex elasticsearch = ElasticsearchSearchIndex.open(Services.requireElasticsearch(), LEFTOVER)) {
            // As if the process had been killed before its indexer sent message 2; another document keeps the count.
            deleteDocument(token, 2);
            elasticsearch.upsert(List.of(new IndexedMessage("another-application", 1, 1, "unrelated", 1)));
            Await.until(() -> elasticsearch.count() == 2, Duration.ofSeconds(30));
        }

        try (ChatSystem system = ChatSystem.open(config)) { // no marker: nothing to rebuild
            assertThat(system.searchMessages(token, 1, "missed", 10)).isEmpty();
        }
        Files.createFile(marker()); // what a kill -9 leaves behind

        try (ChatSystem system = ChatSystem.open(config)) {
            Await.until(() -> system.searchMessages(token, 1, "missed", 10).size() == 1, Duration.ofSeconds(30));
            assertThat(system.searchMessages(token, 1, "indexed", 10))
                    .extracting(Message::messageNumber)
                    .containsExactly(1L);
        }
        assertThat(marker()).doesNotExist();
    }

    /** Deletes a message's document behind the index's back (this node has no delete-by-query: by its id). */
    private static void deleteDocument(String token, long number) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI elasticsearch = Services.requireElasticsearch();
        String query = "{\"query\":{\"bool\":{\"filter\":[{\"term\":{\"token\":\"" + token
                + "\"}},{\"term\":{\"number\":" + number + "}}]}}}";
        HttpResponse<String> found = http.send(
                HttpRequest.newBuilder(elasticsearch.resolve("/" + LEFTOVER + "/_search"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(query))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode hits = new ObjectMapper().readTree(found.body()).path("hits").path("hits");
        assertThat(hits).as("documents of message %d: %s", number, found.body()).hasSize(1);
        JsonNode hit = hits.get(0);
        String routing = hit.path("_routing").isMissingNode()
                ? ""
                : "&routing=" + hit.get("_routing").asText();
        HttpResponse<String> deleted = http.send(
                HttpRequest.newBuilder(
                                elasticsearch.resolve("/" + hit.get("_index").asText() + "/_doc/"
                                        + URLEncoder.encode(hit.get("_id").asText(), StandardCharsets.UTF_8)
                                        + "?refresh=true" + routing))
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).as("deleting: %s", deleted.body()).isEqualTo(200);
    }
}
