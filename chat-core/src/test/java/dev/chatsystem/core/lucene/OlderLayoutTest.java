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

    /** Labelled incomplete, the index is not known to be of another layout: the refusal says what to do. */
    @Test
    void aFieldOfAnotherTypeLuceneRefusesMakesTheIndexUnavailableWithTheWayOut() throws IOException {
        Path dir = dataDir.resolve("index");
        Files.createDirectories(dir);
        writeLayout6Index(dir, "app");
        try (Directory directory = FSDirectory.open(dir);
                IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig())) {
            writer.setLiveCommitData(Completeness.INCOMPLETE_COMMIT_DATA.entrySet());
            writer.commit();
        }

        try (LuceneSearchIndex index = LuceneSearchIndex.open(dir)) {
            assertThatThrownBy(() -> index.upsert(List.of(new IndexedMessage("app", 1, 2, "refused"))))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("delete the index directory");
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
