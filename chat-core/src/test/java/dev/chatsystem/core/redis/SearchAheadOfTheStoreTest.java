package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.Role;
import dev.chatsystem.core.elasticsearch.ElasticsearchSearchIndex;
import dev.chatsystem.core.elasticsearch.TestIndices;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import dev.chatsystem.core.testing.RedisDatabase;
import dev.chatsystem.core.testing.Services;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index workers and the persist workers drain the queue apart, so Elasticsearch may rank a message MySQL does not
 * hold yet, or holds with the body from before the edit that matched: a search answers it from the pending writes.
 */
class SearchAheadOfTheStoreTest {
    private static final String INDEX = TestIndices.uniqueName("search-ahead");

    @RegisterExtension
    final RedisDatabase redis = new RedisDatabase(4);

    @TempDir
    Path dataDir;

    @AfterAll
    static void deleteIndex() throws IOException {
        TestIndices.delete(INDEX);
    }

    @Test
    void aMessageIndexedBeforeItIsStoredIsFoundWithItsLatestBody() {
        URI elasticsearch = Services.requireElasticsearch();
        try (MySqlTestDatabase database = MySqlTestDatabase.create();
                ChatSystem api = apiOnly(database);
                ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(elasticsearch, INDEX)) {
            String token = api.createApplication("ahead of the store").token();
            api.createChat(token);
            api.createMessage(token, 1, "the first draft");
            api.editMessage(token, 1, 1, "the final words");
            // What an index worker that ran ahead of the persist workers leaves:
            index.upsert(List.of(new IndexedMessage(token, 1, 1, "the final words", 1)));

            List<Message> found = api.searchMessages(token, 1, "final", 10);

            assertThat(found).extracting(Message::messageNumber).containsExactly(1L);
            assertThat(found).extracting(Message::body).containsExactly("the final words");
        }
    }

    /** The index behind the queue: it ranks a message by the body an edit still pending in Redis replaced. */
    @Test
    void aMessageFoundByTheBodyAPendingEditReplacedIsLeftOut() {
        URI elasticsearch = Services.requireElasticsearch();
        try (MySqlTestDatabase database = MySqlTestDatabase.create();
                ChatSystem api = apiOnly(database);
                ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(elasticsearch, INDEX)) {
            String token = api.createApplication("behind the queue").token();
            api.createChat(token);
            api.createMessage(token, 1, "the first draft");
            api.createMessage(token, 1, "another draft");
            // What an index worker left before the edit below: both bodies as they were.
            index.upsert(List.of(
                    new IndexedMessage(token, 1, 1, "the first draft", 1),
                    new IndexedMessage(token, 1, 2, "another draft", 2)));
            api.editMessage(token, 1, 1, "the final words");

            List<Message> found = api.searchMessages(token, 1, "draft", 10);

            assertThat(found).extracting(Message::messageNumber).containsExactly(2L);
            assertThat(found).extracting(Message::body).containsExactly("another draft");
        }
    }

    /** Hits left out are made up for: a page is short only when the index holds no more matches. */
    @Test
    void aPageWithHitsLeftOutIsFilledFromTheMatchesRankedAfterThem() {
        URI elasticsearch = Services.requireElasticsearch();
        try (MySqlTestDatabase database = MySqlTestDatabase.create();
                ChatSystem api = apiOnly(database);
                ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(elasticsearch, INDEX)) {
            String token = api.createApplication("short pages").token();
            api.createChat(token);
            List<IndexedMessage> indexed = new java.util.ArrayList<>();
            for (int n = 1; n <= 4; n++) {
                String body = "a draft " + n; // equal scores: the newer ranks first
                api.createMessage(token, 1, body);
                indexed.add(new IndexedMessage(token, 1, n, body, n));
            }
            index.upsert(indexed);
            api.editMessage(token, 1, 4, "the final words");
            api.editMessage(token, 1, 3, "the final words too");

            List<Message> found = api.searchMessages(token, 1, "draft", 2);

            assertThat(found)
                    .as("the two best-ranked were edited away; the next two fill the page")
                    .extracting(Message::messageNumber)
                    .containsExactly(2L, 1L);
        }
    }

    /** An API instance with no worker: nothing reaches MySQL or Elasticsearch by itself. */
    private ChatSystem apiOnly(MySqlTestDatabase database) {
        return ChatSystem.open(database.productionConfig(dataDir, redis.url(), INDEX)
                .role(Role.API)
                .build());
    }
}
