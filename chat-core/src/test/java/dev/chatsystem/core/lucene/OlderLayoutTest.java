package dev.chatsystem.core.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.spi.IndexedMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index written by an older layout that gave a field another type: the rebuild at open clears it first, since
 * Lucene refuses a second type for a field, and failed every start on it.
 */
class OlderLayoutTest {
    @TempDir
    Path dataDir;

    /** Builds of 2026-11-27 wrote {@code generation} as a point under layout 6; layout 7 writes doc values. */
    @Test
    void anIndexWhoseLayoutGaveAFieldAnotherTypeIsClearedAndRebuiltAtOpen() throws IOException {
        String token;
        try (ChatSystem chats = ChatSystem.open(ChatConfig.embedded(dataDir))) {
            token = chats.createApplication("older layout").token();
            chats.createChat(token);
            chats.createMessage(token, 1, "written before the upgrade");
        }
        writeLayout6Index(dataDir.resolve("index"), token);

        try (ChatSystem chats = ChatSystem.open(ChatConfig.embedded(dataDir))) {
            assertThat(chats.searchMessages(token, 1, "upgrade", 10))
                    .extracting(Message::messageNumber)
                    .containsExactly(1L);
        }
    }

    /**
     * An older layout's index relabelled "rebuild: pending" by an open that did not rebuild (as builds before
     * "written-by" labelled every incomplete index) is still of an older layout: cleared and rebuilt at the next open.
     */
    @Test
    void anOlderLayoutsIndexRelabelledIncompleteIsClearedAndRebuiltAtOpen() throws IOException {
        String token = createMessage();
        Path dir = dataDir.resolve("index");
        writeLayout6Index(dir, token);
        relabel(dir, Completeness.INCOMPLETE_COMMIT_DATA);

        assertFound(ChatConfig.embedded(dataDir), token);
    }

    /** An open without a rebuild, then a clean close, keeps the evidence that the index is of an older layout. */
    @Test
    void anOlderLayoutsIndexOpenedOnceWithoutRebuildingIsClearedAndRebuiltAtTheNextOpen() throws IOException {
        String token = createMessage();
        writeLayout6Index(dataDir.resolve("index"), token);
        try (ChatSystem chats = ChatSystem.open(
                ChatConfig.builder().dataDir(dataDir).rebuildIndexAtOpen(false).build())) {
            assertThat(chats.searchHealth().warns()).isTrue();
        }

        assertFound(ChatConfig.embedded(dataDir), token);
    }

    /** Labelled as written by this layout, wrongly: Lucene's refusal says what to do. */
    @Test
    void aFieldOfAnotherTypeLuceneRefusesMakesTheIndexUnavailableWithTheWayOut() throws IOException {
        Path dir = dataDir.resolve("index");
        Files.createDirectories(dir);
        writeLayout6Index(dir, "app");
        relabel(dir, Completeness.INCOMPLETE_WRITTEN_BY_CURRENT);

        try (LuceneSearchIndex index = LuceneSearchIndex.open(dir)) {
            assertThatThrownBy(() -> index.upsert(List.of(new IndexedMessage("app", 1, 2, "refused"))))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("delete the index directory");
        }
    }

    private String createMessage() {
        try (ChatSystem chats = ChatSystem.open(ChatConfig.embedded(dataDir))) {
            String token = chats.createApplication("older layout").token();
            chats.createChat(token);
            chats.createMessage(token, 1, "written before the upgrade");
            return token;
        }
    }

    private static void assertFound(ChatConfig config, String token) {
        try (ChatSystem chats = ChatSystem.open(config)) {
            assertThat(chats.searchMessages(token, 1, "upgrade", 10))
                    .extracting(Message::messageNumber)
                    .containsExactly(1L);
        }
    }

    private static void relabel(Path dir, Map<String, String> label) throws IOException {
        try (Directory directory = FSDirectory.open(dir);
                IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig())) {
            writer.setLiveCommitData(label.entrySet());
            writer.commit();
        }
    }

    private static void writeLayout6Index(Path dir, String token) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .filter(file -> !file.equals(dir))
                    .forEach(file -> {
                        try {
                            Files.delete(file);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
        try (Directory directory = FSDirectory.open(dir);
                IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig())) {
            Document doc = new Document();
            doc.add(new LongPoint(Generations.FIELD, 42));
            doc.add(new StringField(MessageDocuments.ID, token + "/1/1", Field.Store.NO));
            doc.add(new StringField(MessageDocuments.CHAT, token + "/1", Field.Store.NO));
            writer.addDocument(doc);
            writer.setLiveCommitData(Map.of("layout", "6").entrySet());
            writer.commit();
        }
    }
}
